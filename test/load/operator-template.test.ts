import { describe, expect, it } from 'vitest';
import { markPlaceholder, parseTemplate, renderTemplate, slugify, sourceOffset, type TemplateIssue } from '../../src/load/operator-template.js';

// Expected values follow Go text/template + slim-sprig semantics (the Flux Operator's newTemplate, with
// missingkey=error and `<<` `>>` delimiters); where a value is surprising, the Go rule is named beside it.

const INPUTS = {
  tenant: 'team1',
  semver: '>=1.0.0-rc.0',
  replicas: '2',
  count: 3,
  ratio: 2.5,
  enabled: true,
  off: false,
  empty: '',
  none: null,
  list: ['b', 'a', 'c'],
  nums: [1, 2],
  map: { k2: 'v2', k1: 'v1' },
  nested: { a: { b: 'deep' } },
  apps: [{ app: 'alpha' }, { app: 'bravo', capacity: '5Gi' }],
  defaults: { capacity: '1Gi' },
  multi: 'line1\nline2',
};

function render(src: string, inputs: unknown = INPUTS): string | TemplateIssue {
  const t = parseTemplate(src);
  if ('kind' in t) return t;
  const r = renderTemplate(t, inputs);
  return 'kind' in r ? r : r.text;
}

describe('ResourceSet templating: values and functions', () => {
  const cases: [string, string][] = [
    ['<< inputs.tenant >>', 'team1'],
    ['name: << inputs.tenant >>-app', 'name: team1-app'],
    ['<< inputs.nested.a.b >>', 'deep'],
    ['<< inputs.count >> << inputs.ratio >> << inputs.enabled >>', '3 2.5 true'],
    // An action printing nil prints "<no value>"; fmt prints collections with %v.
    ['<< inputs.none >>', '<no value>'],
    ['<< inputs.list >> << inputs.map >>', '[b a c] map[k1:v1 k2:v2]'],
    ['<< inputs.tenant | quote >>', '"team1"'],
    ['<< inputs.count | quote >>', '"3"'],
    ['<< "a\\tb\\"c" | quote >>', '"a\\tb\\"c"'],
    ['<< inputs.tenant | squote >>', "'team1'"],
    ['<< quote inputs.none "x" >>', '"x"'],
    ['<< inputs.replicas | int >>', '2'],
    // slim-sprig toInt64 parses strings in base 10 only; anything else is 0.
    ['<< "2.5" | int >> << "x" | int >> << inputs.ratio | int >>', '0 0 2'],
    ['<< inputs.replicas | int64 >> << inputs.count | float64 >> << "1.5" | float64 >>', '2 3 1.5'],
    ['<< atoi "42" >> << toString inputs.count >>', '42 3'],
    ['<< get inputs "missing" | default "fallback" >>', 'fallback'],
    ['<< inputs.empty | default "d" >> << inputs.off | default "d" >> << inputs.count | default 9 >>', 'd d 3'],
    ['<< default "d" inputs.tenant >>', 'team1'],
    ['<< coalesce inputs.empty inputs.none "c" >>', 'c'],
    ['<< empty inputs.empty >> << empty inputs.list >>', 'true false'],
    ['<< ternary "yes" "no" inputs.enabled >>', 'yes'],
    ['<< inputs.tenant | upper >> << "ABC" | lower >> << "hello world" | title >>', 'TEAM1 abc Hello World'],
    ['<< "  x  " | trim >>|<< trimAll "-" "--x--" >>|<< trimPrefix "v" "v1.2" >>|<< trimSuffix ".git" "repo.git" >>', 'x|x|1.2|repo'],
    ['<< trunc 3 "abcdef" >> << trunc -2 "abcdef" >> << trunc 10 "abc" >>', 'abc ef abc'],
    ['<< substr 1 3 "abcdef" >>', 'bc'],
    ['<< repeat 3 "ab" >>', 'ababab'],
    ['<< replace "-" "_" "a-b-c" >>', 'a_b_c'],
    ['<< inputs.semver | replace "=" "" >>', '>1.0.0-rc.0'],
    ['<< contains "ea" inputs.tenant >> << hasPrefix "te" inputs.tenant >> << hasSuffix "x" inputs.tenant >>', 'true true false'],
    ['<< cat "a" inputs.none "b" 3 >>', 'a b 3'],
    ['x:<< "a\\nb" | indent 2 >>', 'x:  a\n  b'],
    ['x:<< "a\\nb" | nindent 2 >>', 'x:\n  a\n  b'],
    ['data: << inputs.map | toYaml | nindent 2 >>', 'data: \n  k1: v1\n  k2: v2\n  '],
    ['<< inputs.list | toYaml >>', '- b\n- a\n- c\n'],
    ['<< inputs.multi | toYaml >>', '|-\n  line1\n  line2\n'],
    ['<< inputs.map | toJson >> << list "<a>" | toJson >> << list "<a>" | toRawJson >>', '{"k1":"v1","k2":"v2"} ["\\u003ca\\u003e"] ["<a>"]'],
    ['<< (fromJson "{\\"a\\": 1}").a >>', '1'],
    ['<< inputs.semver | slugify >>', '1-0-0-rc-0'],
    ['<< "My App & Co" | slugify >>', 'my-app-and-co'],
    ['<< printf "%s-%d" inputs.tenant inputs.count >>', 'team1-3'],
    ['<< printf "%v|%q|%05d|%-4s|%x|%.2f|%t" inputs.list "a" 42 "ab" 255 inputs.ratio true >>', '[b a c]|"a"|00042|ab  |ff|2.50|true'],
    // Go writes a bad verb or a missing argument into the output, it does not fail.
    ['<< printf "%d %s" "x" >>', '%!d(string=x) %!s(MISSING)'],
    ['<< print "a" 1 2 "b" >>', 'a1 2b'],
    ['<< len inputs.list >> << len inputs.map >> << len "héllo" >>', '3 2 6'],
    ['<< index inputs.list 1 >> << index inputs.map "k1" >> << index inputs.nested "a" "b" >> << index inputs.map "zz" >>', 'a v1 deep <no value>'],
    ['<< join "," inputs.list >> << inputs.list | sortAlpha | join "," >>', 'b,a,c a,b,c'],
    ['<< splitList "." "a.b.c" | join "/" >> << (split "." "a.b")._1 >>', 'a/b/c b'],
    ['<< first inputs.list >> << last inputs.list >> << rest inputs.list >> << initial inputs.list >> << reverse inputs.list >>', 'b c [a c] [b a] [c a b]'],
    ['<< append inputs.list "d" >> << prepend inputs.list "z" >> << concat inputs.list inputs.nums >>', '[b a c d] [z b a c] [b a c 1 2]'],
    ['<< has "a" inputs.list >> << without inputs.list "a" >> << uniq (list 1 1 2) >> << compact (list "" "x" 0) >>', 'true [b c] [1 2] [x]'],
    ['<< slice inputs.list 1 >> << slice inputs.list 0 2 >> << chunk 2 inputs.list >>', '[a c] [b a] [[b a] [c]]'],
    ['<< keys inputs.map >> << values inputs.map >> << hasKey inputs.map "k1" >>', '[k1 k2] [v1 v2] true'],
    ['<< $d := dict "a" 1 "b" "x" >><< $d.a >> << set $d "c" 3 | toJson >> << pick $d "a" | toJson >> << omit $d "a" "c" | toJson >>', '1 {"a":1,"b":"x","c":3} {"a":1} {"b":"x"}'],
    ['<< dig "a" "b" "none" inputs.nested >> << dig "a" "x" "none" inputs.nested >>', 'deep none'],
    ['<< pluck "app" (index inputs.apps 0) (index inputs.apps 1) >>', '[alpha bravo]'],
    ['<< add 1 2 3 >> << sub 5 2 >> << mul 2 3 4 >> << div 7 2 >> << mod 7 2 >> << add1 inputs.count >>', '6 3 24 3 1 4'],
    ['<< max 1 5 3 >> << min 4 2 >> << ceil 1.2 >> << floor 1.8 >> << round 2.567 2 >>', '5 2 2 1 2.57'],
    ['<< until 3 >> << untilStep 0 6 2 >>', '[0 1 2] [0 2 4]'],
    ['<< regexMatch "^team[0-9]$" inputs.tenant >> << regexReplaceAll "([a-z]+)([0-9])" inputs.tenant "${2}-$1" >> << regexFind "[0-9]+" "ab12c" >>', 'true 1-team 12'],
    ['<< regexFindAll "[a-c]" "abcd" -1 >> << regexSplit "," "a,b,c" 2 >> << regexQuoteMeta "a.b" >>', '[a b c] [a b,c] a\\.b'],
    ['<< b64enc "hi" >> << b64dec "aGk=" >> << sha256sum "a" | trunc 8 >> << sha1sum "a" | trunc 8 >> << adler32sum "a" >>', 'aGk= hi ca978112 86f7e437 6422626'],
    ['<< base "a/b/c.txt" >> << dir "a/b/c.txt" >> << ext "c.tar.gz" >> << clean "a//b/../c" >> << isAbs "/x" >>', 'c.txt a/b .gz a/c true'],
    ['<< kindOf inputs.count >> << kindOf inputs.tenant >> << typeOf inputs.map >> << kindIs "slice" inputs.list >>', 'int64 string map[string]interface {} true'],
    ['<< plural "one" "many" 2 >> << plural "one" "many" (len (list 1)) >>', 'many one'],
    ['<< deepEqual inputs.map (dict "k1" "v1" "k2" "v2") >>', 'true'],
    ['<< "a b" | urlquery >> << "<x>" | html >>', 'a+b &lt;x&gt;'],
  ];
  it.each(cases)('%s', (src, want) => {
    expect(render(src)).toBe(want);
  });
});

describe('ResourceSet templating: actions and control structures', () => {
  const cases: [string, string][] = [
    ['<< if eq inputs.tenant "team1" >>enabled<< else >>disabled<< end >>', 'enabled'],
    ['<< if inputs.empty >>a<< else if inputs.list >>b<< else >>c<< end >>', 'b'],
    ['<< if and inputs.enabled (not inputs.off) >>y<< end >><< if or inputs.empty inputs.none >>n<< end >>', 'y'],
    // and/or return the deciding operand, not a boolean.
    ['<< and inputs.tenant inputs.count >> << or inputs.none "d" >>', '3 d'],
    ['<< eq inputs.count 3 >> << eq inputs.tenant "x" "team1" >> << ne inputs.tenant "x" >> << lt 1 2 >> << ge inputs.count 3 >>', 'true true true true true'],
    ['<< range inputs.list >>[<< . >>]<< end >>', '[b][a][c]'],
    ['<< range $i, $v := inputs.list >><< $i >>=<< $v >> << end >>', '0=b 1=a 2=c '],
    // Go ranges over a map in sorted key order.
    ['<< range $k, $v := inputs.map >><< $k >>:<< $v >> << end >>', 'k1:v1 k2:v2 '],
    // Ranging over nil runs no iteration (it is not an error).
    ['<< range inputs.none >>x<< end >>', ''],
    ['<< range $a := inputs.apps >><< $a.app >>=<< get $a "capacity" | default inputs.defaults.capacity >>;<< end >>', 'alpha=1Gi;bravo=5Gi;'],
    ['<< range (list) >>x<< else >>none<< end >>', 'none'],
    ['<< range inputs.list >><< if eq . "a" >><< break >><< end >><< . >><< end >>', 'b'],
    ['<< range inputs.list >><< if eq . "a" >><< continue >><< end >><< . >><< end >>', 'bc'],
    ['<< with inputs.nested.a >><< .b >><< end >><< with inputs.empty >>x<< else >>y<< end >>', 'deepy'],
    ['<< $x := 1 >><< $x = add $x 2 >><< $x >>', '3'],
    ['<< $n := inputs.tenant >><< range inputs.list >><< $n >><< end >>', 'team1team1team1'],
    // The operator executes the template with nil data: `$` and `.` are nil outside range/with.
    ['<< print $ >>', '<nil>'],
    ['a\n  <<- "b" ->>\n  c', 'abc'],
    ['x <</* a comment */>> y', 'x  y'],
    ['x <<- /* trimmed */ ->> y', 'xy'],
    ['<< define "t" >>[<< . >>]<< end >><< template "t" inputs.tenant >>', '[team1]'],
    ['<< block "b" inputs.count >>(<< . >>)<< end >>', '(3)'],
    ['<< inputs.tenant | printf "%s-%s" "x" >>', 'x-team1'],
    ['<< 5 >> << 1.5 >> << "s" >> << true >> << 0x10 >>', '5 1.5 s true 16'],
    ['<< inputs >>', 'map[apps:[map[app:alpha] map[app:bravo capacity:5Gi]] count:3 defaults:map[capacity:1Gi] empty: enabled:true list:[b a c] map:map[k1:v1 k2:v2] multi:line1\nline2 nested:map[a:map[b:deep]] none:<nil> nums:[1 2] off:false ratio:2.5 replicas:2 semver:>=1.0.0-rc.0 tenant:team1]'],
  ];
  it.each(cases)('%s', (src, want) => {
    expect(render(src)).toBe(want);
  });
});

describe('ResourceSet templating: failures carry the operator error and its offset', () => {
  // [template, kind, message, the failing token (or its offset)]; like Go, a chain `inputs.a.b` fails at `.a`.
  const cases: [string, TemplateIssue['kind'], string, string | number][] = [
    // missingkey=error: an absent input fails the build (flux-operator builder test "missing-inputs").
    ['name: << inputs.version >>', 'exec', 'map has no entry for key "version"', '.version'],
    ['<< inputs.nested.a.zz >>', 'exec', 'map has no entry for key "zz"', '.nested'],
    ['<< inputs.none.x >>', 'exec', 'nil pointer evaluating interface {}.x', '.none'],
    ['<< inputs.tenant.x >>', 'exec', "can't evaluate field x in type string", '.tenant'],
    ['<< .x >>', 'exec', 'nil data; no entry for key "x"', '.x'],
    ['<< inputs.count | upper >>', 'exec', 'wrong type for value; expected string; got int64', 'upper'],
    ['<< inputs.map | nindent 2 >>', 'exec', 'wrong type for value; expected string; got map[string]interface {}', 'nindent'],
    ['<< trunc inputs.count "abc" >>', 'exec', 'wrong type for value; expected int; got int64', '.count'],
    ['<< eq inputs.count "3" >>', 'exec', 'error calling eq: incompatible types for comparison', 'eq'],
    ['<< lt inputs.none 1 >>', 'exec', 'error calling lt: invalid type for comparison', 'lt'],
    ['<< fail "stop here" >>', 'exec', 'error calling fail: stop here', 'fail'],
    ['<< index inputs.list 5 >>', 'exec', 'error calling index: index out of range: 5', 'index'],
    ['<< len inputs.count >>', 'exec', 'error calling len: len of type int64', 'len'],
    ['<< div 1 0 >>', 'exec', 'error calling div: runtime error: integer divide by zero', 'div'],
    ['<< first inputs.tenant >>', 'exec', 'error calling first: Cannot find first on type string', 'first'],
    ['<< get inputs.list "x" >>', 'exec', 'wrong type for value; expected map[string]interface {}; got []interface {}', '.list'],
    ['<< upper >>', 'exec', 'wrong number of args for upper: want 1 got 0', 'upper'],
    ['<< range inputs.tenant >>x<< end >>', 'exec', "range can't iterate over team1", 'range'],
    ['<< template "nope" >>', 'exec', 'no such template "nope"', 'template'],
    ['<< 3 4 >>', 'exec', "can't give argument to non-function 3", '3'],
    // Parse errors: an unknown function fails at parse time, before any input is read.
    ['a\n  << frobnicate inputs.x >>', 'parse', 'function "frobnicate" not defined', 'frobnicate'],
    // The nonhermetic slim-sprig functions are not in the operator's function map.
    ['<< now >>', 'parse', 'function "now" not defined', 'now'],
    ['<< env "HOME" >>', 'parse', 'function "env" not defined', 'env'],
    ['<< if inputs.enabled >>x', 'parse', 'unexpected EOF', 24],
    ['x << end >>', 'parse', 'unexpected {{end}}', 'end'],
    ['<< inputs.tenant', 'parse', 'unclosed action', '<< inputs'],
    ['<< $y >>', 'parse', 'undefined variable "$y"', '$y'],
    ['<< "abc >>', 'parse', 'unterminated quoted string', '"abc'],
    ['<< break >>', 'parse', '{{break}} outside {{range}}', 'break'],
    ['<< inputs.tenant | "x" >>', 'parse', 'non executable command in pipeline stage 2', '"x"'],
    // Known to the operator but not evaluated offline: never an error.
    ['<< ago inputs.count >>', 'unsupported', 'function "ago" is not evaluated offline', 'ago'],
    ['<< toDate "2006-01-02" "2024-01-01" >>', 'unsupported', 'function "toDate" is not evaluated offline', 'toDate'],
  ];
  it.each(cases)('%s', (src, kind, message, token) => {
    const r = render(src);
    expect(r).toMatchObject({ kind, message });
    const offset = (r as TemplateIssue).offset;
    if (typeof token === 'number') expect(offset).toBe(token);
    else expect(src.slice(offset).startsWith(token), `offset ${offset} points at ${JSON.stringify(src.slice(offset, offset + 12))}`).toBe(true);
  });
});

describe('ResourceSet templating: provenance and limits', () => {
  it('maps output offsets back to the template', () => {
    const src = 'kind: A\nname: << inputs.tenant >>-x\nend: y\n';
    const t = parseTemplate(src);
    if ('kind' in t) throw new Error(t.message);
    const r = renderTemplate(t, INPUTS);
    if ('kind' in r) throw new Error(r.message);
    expect(r.text).toBe('kind: A\nname: team1-x\nend: y\n');
    const at = (needle: string) => sourceOffset(r.segments, r.text.indexOf(needle));
    // An action's output maps to its left delimiter.
    expect(at('team1')).toBe(src.indexOf('<< inputs'));
    expect(at('-x')).toBe(src.indexOf('-x'));
    expect(at('end:')).toBe(src.indexOf('end:'));
  });

  it('records reads of placeholder values', () => {
    const inputs = { id: '123', name: 'x' };
    markPlaceholder(inputs, 'id', 'inputs.id of P');
    const t = parseTemplate('<< inputs.name >>-<< inputs.id >>');
    if ('kind' in t) throw new Error(t.message);
    const r = renderTemplate(t, inputs);
    expect(r).toMatchObject({ text: 'x-123' });
    expect([...(r as { placeholdersRead: Set<string> }).placeholdersRead]).toEqual(['inputs.id of P']);
  });

  it('stops a runaway template with a limit, not an error', () => {
    const t = parseTemplate('<< range until 100000 >><< range until 100000 >>x<< end >><< end >>');
    if ('kind' in t) throw new Error(t.message);
    expect(renderTemplate(t, {}, { maxSteps: 50_000 })).toMatchObject({ kind: 'limit' });
  });

  it('slugifies like gosimple/slug with the operator settings (63 characters, cut at a dash)', () => {
    expect(slugify('  Hello, Wörld_Über ')).toBe('hello-world_uber');
    const long = 'word-'.repeat(20);
    // 99 characters: cut at the last dash at or before index 63, i.e. after twelve words.
    expect(slugify(long)).toBe('word-'.repeat(11) + 'word');
    expect(slugify('x'.repeat(70))).toBe('x'.repeat(63));
  });
});
