import { describe, expect, it } from 'vitest';
import { checkTemplate, pathMatch, substituteString, substituteValue, type SubstitutionEnv } from '../../src/load/substitute.js';

/**
 * Flux's post-build substitution, form by form. Expected outputs come from the sources kustomize-controller runs
 * (github.com/fluxcd/pkg envsubst/parse/{scan,parse}.go, envsubst/{template,funcs}.go and
 * kustomize/kustomize_varsub.go): most rows are the package's own test cases (envsubst/eval_test.go,
 * envsubst/parse/parse_test.go); the others are derived by reading that code (noted where it differs from bash).
 */
const env = (vars: Record<string, string>, unknown: string[] = [], complete = true): SubstitutionEnv => ({
  vars: new Map(Object.entries(vars)),
  unknown: new Set(unknown),
  complete,
});
const sub = (s: string, vars: Record<string, string> = {}, unknown: string[] = []) => substituteString(s, env(vars, unknown));

describe("Flux's envsubst: what each form gives", () => {
  const v01 = { var01: 'abcdEFGH28ij' };
  const stringZ = { stringZ: 'abcABC123ABCabc' };
  const cases: [string, Record<string, string>, string][] = [
    // Text, and `$$` escapes anywhere outside an expression (parse_test.go "should not escape double dollar").
    ['abcdEFGH28ij', {}, 'abcdEFGH28ij'],
    ['}text', { x: '1' }, '}text'],
    ['http://github.com', { x: '1' }, 'http://github.com'],
    ['$${var01}', v01, '${var01}'],
    ['$$string', { x: '1' }, '$string'],
    ['a$$b', { x: '1' }, 'a$b'],
    ['pa$$$word', { x: '1' }, 'pa$$word'],
    ['$$$${X}', { X: 'v' }, '$${X}'],
    ['$$${X}', { X: 'v' }, '$v'],
    ['cost: $5 and $X', { X: 'v' }, 'cost: $5 and $X'],
    ['$', { x: '1' }, '$'],
    ['\\\\.\\pipe\\pipename', { x: '1' }, '\\\\.\\pipe\\pipename'],
    ['some text ${var01}$${var$${var01}$var01${var01}', v01, 'some text abcdEFGH28ij${var${var01}$var01abcdEFGH28ij'],
    ['something $${var=${default_var}}', { default_var: 'foo' }, 'something ${var=foo}'],
    // Two levels of Kustomizations (joryirving): the outer one leaves `${...}` for the inner one.
    ['$${POSTGRES_USERNAME:=$${APP}}', { CLUSTER: 'main' }, '${POSTGRES_USERNAME:=${APP}}'],
    ['${POSTGRES_USERNAME:=${APP}}', { APP: 'atuin' }, 'atuin'],
    // Variables and string functions (eval_test.go).
    ['${var01}', v01, 'abcdEFGH28ij'],
    ['${#var01}', v01, '12'],
    ['${#v}', { v: 'é' }, '2'],
    ['${var01^}', v01, 'AbcdEFGH28ij'],
    ['${var01^^}', v01, 'ABCDEFGH28IJ'],
    ['${var01,}', { var01: 'ABCDEFGH28IJ' }, 'aBCDEFGH28IJ'],
    ['${var01,,}', { var01: 'ABCDEFGH28IJ' }, 'abcdefgh28ij'],
    ['${var01,^}', v01, 'abcdEFGH28ij'],
    ['${path_name:11}', { path_name: '/home/bozo/ideas/thoughts.for.today' }, 'ideas/thoughts.for.today'],
    ['${path_name:11:5}', { path_name: '/home/bozo/ideas/thoughts.for.today' }, 'ideas'],
    ['${s:1:100}', { s: 'abc' }, 'bc'],
    ['${s:10}', { s: 'abc' }, ''],
    ['${s: -2}', { s: 'abc' }, 'abc'],
    ['${s:x}', { s: 'abc' }, 'abc'],
    ['${string:${position}}', { string: 'abcdef', position: '2' }, 'cdef'],
    ['${PVC:0:50}', { PVC: 'data-immich-postgres-0' }, 'data-immich-postgres-0'],
    // Defaults: every default operator is "the value unless it is empty, else the default" (funcs.go toDefault),
    // so `=` uses the default for an empty value and `:+` is not bash's "alternate value".
    ['${var=xyz}', { var: 'abc' }, 'abc'],
    ['${var=xyz}', { x: '1' }, 'xyz'],
    ['${var=xyz}', { var: '' }, 'xyz'],
    ['${var:=xyz}', { x: '1' }, 'xyz'],
    ['${var:-xyz}', { var: '' }, 'xyz'],
    ['${var:+xyz}', { var: 'abc' }, 'abc'],
    ['${var:+xyz}', { x: '1' }, 'xyz'],
    ['${var:?msg}', { x: '1' }, 'msg'],
    ['${var:=}', { x: '1' }, ''],
    ['something ${var=${default_var}}', { default_var: 'foo' }, 'something foo'],
    ['foo: ${var=${default_var}-suffix}', { default_var: 'foo1' }, 'foo: foo1-suffix'],
    ['foo: ${var=prefix${default_var}-suffix}', { default_var: 'foo1' }, 'foo: prefixfoo1-suffix'],
    ['${A:-${B}}', { B: 'b' }, 'b'],
    ['${A:-${B}}', { A: 'a' }, 'a'],
    ['${A:-${B:-c}}', { x: '1' }, 'c'],
    ['${var=${var01^^}}', v01, 'ABCDEFGH28IJ'],
    ['\\\\something ${var=${default_var}}', { default_var: 'foo' }, '\\\\something foo'],
    // Replace (literal, not a glob); `\/` and `\\` are escapes inside the arguments.
    ['${stringZ/%abc/XYZ}', stringZ, 'abcABC123ABCXYZ'],
    ['${stringZ/#abc/XYZ}', stringZ, 'XYZABC123ABCabc'],
    ['${stringZ//abc/xyz}', stringZ, 'xyzABC123ABCxyz'],
    ['${stringZ/abc/xyz}', stringZ, 'xyzABC123ABCabc'],
    ['${stringZ/\\//-}', { stringZ: 'foo/bar' }, 'foo-bar'],
    ['${stringZ//\\//-}', { stringZ: 'foo/bar/baz' }, 'foo-bar-baz'],
    ['${stringZ/./}', { stringZ: 'foo.bar' }, 'foobar'],
    ['${SECRET_DOMAIN/./-}-staging', { SECRET_DOMAIN: 'example.com' }, 'example-com-staging'],
    ['${s/#/x}', { s: 'abc' }, 'xabc'],
    ['${s/%/x}', { s: 'abc' }, 'abcx'],
    ['${s/#b/}', { s: 'bab' }, 'bab'],
    ['${s//${a}/${b}}', { s: 'aXa', a: 'a', b: 'b' }, 'bXb'],
    // Trim by Go's path.Match glob: `*` does not cross `/`; `%` reverses the string and the pattern.
    ['${filename#*.}', { filename: 'bash.string.txt' }, 'string.txt'],
    ['${filename#*/}', { filename: 'path/to/file' }, 'to/file'],
    ['${filename#*/}', { filename: '/path/to/file' }, 'path/to/file'],
    ['${filename##*.}', { filename: 'bash.string.txt' }, 'txt'],
    ['${filename##*/}', { filename: 'path/to/file' }, 'file'],
    ['${filename%.*}', { filename: 'bash.string.txt' }, 'bash.string'],
    ['${filename%%.*}', { filename: 'bash.string.txt' }, 'bash'],
    ['${string#$%:*{}', { string: '$%:xyz{rest' }, 'rest'],
    // Biohazard's volumesnapshot.yaml keeps the last 11 digits of the digest (`*` crosses `/` here, unlike Go's path.Match).
    [`\${V#*@sha256:${'?'.repeat(53)}}`, { V: `app:1.0@sha256:${'0123456789abcdef'.repeat(4)}` }, '56789abcdef'],
    [`\${V#*@sha256:${'?'.repeat(53)}}`, { V: `ghcr.io/a/app:1.0@sha256:${'0123456789abcdef'.repeat(4)}` }, '56789abcdef'],
  ];
  for (const [input, vars, output] of cases) {
    it(`${input} with ${JSON.stringify(vars)} is ${JSON.stringify(output)}`, () => {
      expect(sub(input, vars)).toBe(output);
      expect(checkTemplate(input, env(vars)).error).toBeUndefined();
    });
  }
});

describe("Flux's envsubst: what fails the Kustomization", () => {
  // parse.go: ErrMissingClosingBrace, ErrParseVariableName, ErrParseFuncSubstitution, ErrBadSubstitution.
  const errors: [string, string][] = [
    ['${A-b}', 'missing closing brace'],
    ['${A+b}', 'missing closing brace'],
    ['x ${var.name} y', 'missing closing brace'],
    ['${A', 'missing closing brace'],
    ['${}', 'unable to parse variable name'],
    ['${ A }', 'unable to parse variable name'],
    ['echo ${{ github.sha }}', 'unable to parse variable name'],
    ['${A:=b', 'unable to parse substitution within function'],
    ['${A#}', 'unable to parse substitution within function'],
    ['${A:}', 'unable to parse substitution within function'],
    ['${A/x}', 'bad substitution'],
    ['${A//x}', 'bad substitution'],
    ['${#A:-x}', 'bad substitution'],
    ['${A^x}', 'bad substitution'],
    ['${A#x${B}}', 'bad substitution'],
    ['${A/x/a${B}c}', 'bad substitution'],
  ];
  for (const [input, message] of errors) {
    it(`${input}: ${message}`, () => {
      const found = checkTemplate(input, env({ A: 'a', B: 'b' }));
      expect(found.error?.message).toBe(message);
      expect(found.error?.text.startsWith('${')).toBe(true);
      // The model keeps what Flux cannot substitute as written.
      expect(sub(input, { A: 'a', B: 'b' })).toBe(input);
    });
  }

  it('an escaped expression is text, whatever it holds', () => {
    expect(checkTemplate('$${A-b} $${ x }', env({ A: 'a' })).error).toBeUndefined();
    expect(sub('$${A-b} $${ x }', { A: 'a' })).toBe('${A-b} ${ x }');
  });

  it('a negative substring length makes Go panic (slice bounds), which fails the reconcile', () => {
    expect(checkTemplate('${s:1:-1}', env({ s: 'abc' })).error?.message).toMatch(/slice bounds out of range/);
  });
});

describe('undefined and unknown variables', () => {
  it('reports an undefined variable only where its empty value reaches the output', () => {
    const undef = (s: string, vars: Record<string, string>) => checkTemplate(s, env(vars)).undefined.map((u) => u.text);
    expect(undef('${A}', {})).toEqual(['${A}']);
    expect(undef('x-${A^^}-${#A}', {})).toEqual(['${A^^}', '${#A}']);
    expect(undef('${A:=x}', {})).toEqual([]);
    expect(undef('${A:-${B}}', { A: 'a' })).toEqual([]);
    expect(undef('${A:-${B}}', { A: '' })).toEqual(['${B}']);
    expect(undef('${A:-${B}}', {})).toEqual(['${B}']);
    expect(undef('${A/${B}/x}', { A: 'a' })).toEqual(['${B}']);
    expect(undef('$${A}', {})).toEqual([]);
  });

  it('takes a variable whose value the linter cannot know (a Secret key, an unreadable source) as defined', () => {
    expect(checkTemplate('${S}', env({}, ['S'])).undefined).toEqual([]);
    expect(checkTemplate('${ANY}', env({}, [], false)).undefined).toEqual([]);
  });

  it('leaves an expression with an unknown or undefined value as written, and substitutes the rest', () => {
    expect(sub('${S}', {}, ['S'])).toBe('${S}');
    expect(sub('${S/./-}-staging', {}, ['S'])).toBe('${S/./-}-staging');
    expect(sub('${APP}-${S}', { APP: 'a' }, ['S'])).toBe('a-${S}');
    expect(sub('${S:=d}', {}, ['S'])).toBe('${S:=d}');
    expect(sub('${A:-${S}}', {}, ['S'])).toBe('${A:-${S}}');
    expect(sub('${A:-${S}}', { A: 'a' }, ['S'])).toBe('a');
    expect(sub('${UNDEFINED}-x', { APP: 'a' })).toBe('${UNDEFINED}-x');
    expect(substituteString('${ANY:=d} $${E}', env({ APP: 'a' }, [], false))).toBe('${ANY:=d} ${E}');
  });

  it('substitutes nothing when the Kustomization defines no variable, as the controller does (len(vars) > 0)', () => {
    const value = { a: '$${X}', b: '${A:=b}', c: 'x$$y' };
    expect(substituteValue(value, env({}))).toBe(value);
    expect(substituteValue(value, env({ Z: 'z' }))).toEqual({ a: '${X}', b: 'b', c: 'x$y' });
    // Unknown variables count: the controller has them.
    expect(substituteValue(value, env({}, ['S']))).toEqual({ a: '${X}', b: 'b', c: 'x$y' });
  });
});

describe('the glob of the trim operators (envsubst/path/match.go: `*` and `?` cross `/`)', () => {
  const cases: [string, string, boolean | undefined][] = [
    ['abc', 'abc', true],
    ['*', 'abc', true],
    ['*c', 'abc', true],
    ['a*', 'a', true],
    ['a*', 'abc', true],
    ['a*', 'ab/c', true],
    ['a*/b', 'abc/b', true],
    ['a*/b', 'a/c/b', true],
    ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', true],
    ['a*b', 'axc', false],
    ['ab[c]', 'abc', true],
    ['ab[b-d]', 'abc', true],
    ['ab[e-g]', 'abc', false],
    ['ab[^c]', 'abc', false],
    ['ab[^e-g]', 'abc', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true],
    ['a?b', 'a/b', true],
    ['a[', 'a', false],
    ['a[', 'ab', undefined],
    ['a\\', 'ab', undefined],
    ['[]a]', ']', undefined],
    ['[-]', '-', undefined],
    ['[x-]', 'x', undefined],
    ['*x', 'xxx', true],
  ];
  for (const [pattern, name, want] of cases) {
    it(`Match(${JSON.stringify(pattern)}, ${JSON.stringify(name)}) = ${want}`, () => expect(pathMatch(pattern, name)).toBe(want));
  }
});
