//! Arithmetic (`$((…))`, `((…))`, `let`, subscripts, `declare -i`) evaluated and worded as bash
//! evaluates and words it: each script runs in ncsh and in bash, and their output, errors and
//! status must match.

mod common;

use common::Home;
use common::against_bash::{same_as_bash, script_same_as_bash};

/// Runs each expression in `$((…))`, `((…))` and `let`, with variables to read and assign, in
/// ncsh and bash. `((…))` has no blanks around the expression: bash keeps them in its errors,
/// brush-parser drops them.
fn same_in_every_form(expressions: &[&str]) {
    let scripts: Vec<String> = expressions
        .iter()
        .map(|expression| {
            format!(
                "x=3 y=4 arr=(10 20 30) str=hello ind='x+1'; declare -A m=([k]=7); \
                 (echo \"r=$(( {expression} ))\"; echo \"x=$x y=$y arr=${{arr[*]}} m=${{m[n]}}\"); \
                 echo \"rc=$?\"; (({expression})); echo \"st=$? x=$x\"; \
                 let '{expression}'; echo \"let=$? x=$x\""
            )
        })
        .collect();
    let scripts: Vec<&str> = scripts.iter().map(String::as_str).collect();
    same_as_bash(&Home::new(), &scripts);
}

#[test]
fn errors_name_the_expression_and_the_token_as_bash_does() {
    same_in_every_form(&[
        "1+",
        "1 2",
        "1 @ 2",
        "@",
        "1.5",
        "08",
        "0xg",
        "2#102",
        "65#1",
        "0#1",
        "2#",
        "3**-1",
        "0&&2**-1",
        "1/0 + 5",
        "x %= 0",
        "(1+2",
        "1 ? 2",
        "1 ? : 3",
        "5 = 3",
        "(x)=3",
        "-x=5",
        "x+y=5",
        "x++=7",
        "++x++",
        "--x--",
        "1 || x = 3",
        "x[",
        "str",
    ]);
}

#[test]
fn values_are_bash_values() {
    same_in_every_form(&[
        "2**3**2 + -2**2",
        "-10/3 + -10%3 * 100",
        "1<<70, -1>>1",
        "~5 ^ 3 | 8 & 12",
        "9223372036854775807+1",
        "99999999999999999999",
        "-9223372036854775808/-1 + (-9223372036854775808%-1)",
        "0x1F + 010 + 0X + 64#@_ + 36#Zz + 62#Zz",
        "0&&1/0 || 1?5:1/0",
        "0?1/0:x++",
        "x++ + ++x",
        "y = x = 5, y *= 2, y <<= 1, y",
        "x ? y : 7",
        "++5 + ---5 + +-+-1",
        "ind * 2",
        "m[k] + arr[1+1] + arr[-1]",
        "m[n] = 9, arr[i=1] += x",
    ]);
}

/// Variables whose values are expressions, associative arrays, subscripts worked out once, `set
/// -u` in a branch not taken and for elements, name references to elements, readonly variables,
/// array literals' and
/// `declare`'s subscripts, `unset` of elements, the
/// recursion limit, and nesting ten thousand deep in each way an expression nests.
#[test]
fn variables_and_elements_are_read_and_assigned_as_in_bash() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "declare -A m=([k]=7 [j]=2); k=j; echo $((m[k])) $((m[$k])) $((m[none])); \
             ((m[k]++, m[new] = 5)); echo ${m[k]} ${m[new]}",
            "a=(1 2 3); i=0; ((a[i++] += 10)); echo ${a[*]} i=$i; ((a[i] = i++)); echo ${a[*]} i=$i",
            "declare -i n=5; n+=3; n=2*n; echo $n; n='n+1'; echo $n; declare -n r=n; ((r = 40)); echo $n",
            "set -u; echo $((0 && nosuch)) $((1 || nosuch)); echo $((nosuch)); echo not reached",
            "readonly ro=1; ((ro = 2)); echo st=$? ro=$ro; echo $((ro += 1)); echo not reached",
            "self=self; echo $((self)); echo not reached",
            "for ((i = 0; i < 1100; i++)); do eval \"v$i=v$((i + 1))\"; done; v1100=7; \
             echo $((v0)); for ((i = 1100; i > 1030; i--)); do unset v$i; done; v1030=7; echo $((v0))",
            "x=\"$(printf '(%.0s' {1..10000})1$(printf ')%.0s' {1..10000})\"; echo $((x))",
            "e=$(printf 'x=%.0s' {1..10000})1; echo $((e)); e=$(printf '1**%.0s' {1..10000})1; \
             echo $((e)); e=$(printf '0?0:%.0s' {1..10000})7; echo $((e)); \
             e=$(printf '1?%.0s' {1..5000})7$(printf ':0%.0s' {1..5000}); echo $((e)); \
             e=$(printf -- '- %.0s' {1..10000})1; echo $((e))",
            "set -u; declare -A c=([a]=1); ((c[b]++)); echo ${c[b]}; a=(1); echo $((a[3] + 1)); \
             echo $((nosuch[1])); echo not reached",
            "set -u; declare -a d; ((d[3]++)); echo not reached",
            "a='a+1'; echo $((a)); echo not reached",
            "readonly r=1; let r+=1 x=5; echo \"st=$? x=$x\"; ((r = 2)); echo st=$?",
            "i=2; x=([1+1]=3 [0]=a [i*2]=4); declare -p x; declare y[1+2]=7; declare -p y; \
             f() { local -a z=([3-1]=q); declare -p z; }; f; declare -A m=([1+1]=k); declare -p m",
            "arr=(5 6); declare -n ref=arr[1]; echo $((ref)); ((ref++)); echo ${arr[*]}; \
             declare -A m=([k]=4); declare -n q=m[k]; echo $((q * 2))",
            "a=(1 2 3); unset 'a[]'; echo ${a[*]}; unset 'a[ ]'; echo ${a[*]}; unset 'nope[1/0]'; echo $?",
            "eval 'echo $((6/0)); echo in eval'; echo after eval $?",
            "[[ ! 2/0 -eq 1 ]]; echo $?; [[ 2/0 -eq 1 || -n x ]]; echo $?; x=5; set -x; \
             [[ 1+1 -eq 2 && $x -gt 3 ]]; set +x; [[ $((1/0)) -eq 1 ]]; echo not reached",
            "b=(); b[1+1]=x; unset 'b[4-2]'; echo ${#b[*]}; s=hello; echo ${s:1+1:4-2} $[2*3]",
        ],
    );
}

/// An error in `$((…))` abandons the command the shell was reading, out of functions, and the
/// script, sourced file or `eval` goes on with the next; a subshell, a background job and a
/// command of a pipeline end. It is said where the command's redirections are in place. So does
/// one in a value given to a variable with the integer attribute, by `=`, `declare` or `read`.
/// `((…))` and `let` fail with status 1.
#[test]
fn an_expansion_error_abandons_the_command_being_read() {
    let home = Home::new();
    std::fs::write(
        home.path().join("sourced.sh"),
        "echo $((7/0)); echo same line\necho next in sourced\n",
    )
    .unwrap();
    std::fs::write(
        home.path().join("abandon.sh"),
        "f() { echo $((1/0)); echo in f; }\n\
         f; echo same line\n\
         echo next line $?\n\
         ( echo $((3/0)); echo in subshell ); echo after subshell $?\n\
         x=$(echo $((4/0)); echo in substitution); echo \"x=$x\"\n\
         while true; do echo $((5/0)); done; echo after loop\n\
         . ./sourced.sh; echo after source\n\
         g() { ((1/0)); echo \"in g $?\"; let 2/0 3; echo \"let $?\"; }; g\n\
         (\n  echo $((8/0))\n)\n\
         echo $((9/0)) & wait; echo after job $?\n\
         true | { echo $((10/0)); echo in pipeline; }; echo after pipeline $?\n\
         { echo $((11/0)); } 2>/dev/null; echo same line\n\
         declare -i n; n=12/0; echo same line\n\
         declare -i m=13/0; echo same line\n\
         read n <<< 14/0; echo same line\n\
         echo end\n",
    )
    .unwrap();
    script_same_as_bash(&home, "abandon.sh");
}
