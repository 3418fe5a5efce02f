//! bash's name references (`declare -n`, `local -n`, `typeset -n`): reading, assigning and unsetting
//! through one reaches the variable it names, and ncsh says and does what bash does for each script
//! here.

mod common;

use common::Home;
use common::against_bash::{LIMIT, bash, ncsh_within, same_as_bash, stderr, stdout};

/// `$r`, `${r}`, `${#r}`, the other operators, arithmetic and `[[ -v ]]` read the variable that
/// `r` names, a scalar, an array or one element of an array.
#[test]
fn reading_a_reference_reads_the_variable_it_names() {
    let home = Home::new();
    let out = ncsh_within(&home, &["-c", "declare -n r=y; y=5; echo $r"], LIMIT);
    assert_eq!(stdout(&out), "5\n");

    same_as_bash(
        &home,
        &[
            "declare -n r=y; y=5; echo $r ${r} ${#r} \"$r\"",
            "declare -n r=y; y=hello; echo ${r^^} ${r:1:3} ${r/l/L} ${r#h} ${r@Q}",
            "declare -n r=y; echo \"[$r]\" ${r:-default} ${r-unset}; y=; echo \"[${r-unset}]\"",
            "arr=(a b c); declare -n r=arr; echo ${r[@]} ${r[1]} ${#r[@]} ${!r[@]} ${r[-1]}",
            "arr=(a b c); declare -n r=arr; for i in \"${r[@]}\"; do echo \"<$i>\"; done",
            "declare -A m=([k]=v); declare -n r=m; echo ${r[k]} ${!r[@]}",
            "arr=(a b c); declare -n r='arr[1]'; echo $r ${r:-x}",
            "declare -n r=y; y=5; (( r++ )); echo $y $((r + 1))",
            "arr=(1 2 3); declare -n r=arr; (( r[1] += 10 )); echo ${arr[@]} $(( r[2] * 2 ))",
            "declare -n r=y; [[ -v r ]]; echo $?; y=; [[ -v r ]]; echo $?; unset y; test -v r; echo $?",
            "a=1 b=2; declare -n r; for r in a b; do echo \"$r\"; done; declare -p r; declare -n s=a; for s in b; do echo \"$s\"; done; echo $a",
            "set -u; declare -n r=y; y=1; echo $r; echo after",
        ],
    );
}

/// `r=7`, `r+=x`, `r[2]=z`, `r=(…)`, `read r`, `printf -v r`, `mapfile r`, `${r:=…}` and `declare
/// r=…` without -n assign to the variable `r` names, creating it if need be.
#[test]
fn assigning_to_a_reference_assigns_to_the_variable_it_names() {
    let home = Home::new();
    let out = ncsh_within(&home, &["-c", "declare -n r=y; r=7; echo $y"], LIMIT);
    assert_eq!(stdout(&out), "7\n");

    same_as_bash(
        &home,
        &[
            "declare -n r=y; y=5; echo $r; r=7; echo $y",
            "declare -n r=y; y=5; r+=x; echo $y; r=; echo \"[$y]\"",
            "arr=(a b c); declare -n r=arr; r[2]=z; r+=(d); echo ${arr[@]}",
            "declare -n r=y; r=(1 2); declare -p y; declare -n q=z; q[3]=4; declare -p z",
            "declare -A m=([k]=v); declare -n r=m; r[k]=w; declare -p m",
            "arr=(a b c); declare -n r='arr[1]'; r=Q; echo ${arr[@]}; r+=x; declare -p arr",
            "arr=(a b c); declare -n r='arr[1]'; printf -v r %s P; read r <<< R2; declare -p arr",
            "declare -n r=y; read r <<< hello; echo $y; read -a r <<< 'a b'; declare -p y",
            "declare -n r=y; printf -v r %s abc; echo $y",
            "declare -n r=y; mapfile -t r < <(printf '%s\\n' a b); declare -p y",
            "declare -n r=y; : ${r:=dflt}; echo $y",
            "declare -n r=y; declare r=zz; echo $y; declare -p r y",
            "declare -n r=y; typeset r=3; echo $y; declare -i r; declare -p r y",
            "arr=(a b c); declare -n r='arr[1]'; declare r=zz; declare -p arr r",
            "declare -n r=y; y=1; unset y; r=3; echo $y",
            "arr=(a b c); declare -n r='arr[1]'; r[2]=x; echo after",
            "set -x; declare -n r=y; r=3; set +x; echo $y",
        ],
    );
}

/// A reference declared without a name takes the first name assigned to it; `declare -n r=z`
/// aims it elsewhere, `declare +n r` makes it a plain variable again, and `declare -p` and
/// `[[ -R r ]]` see the reference itself.
#[test]
fn a_reference_is_declared_aimed_and_shown_as_in_bash() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "declare -n r=y; y=5; declare -p r",
            "typeset -n r=y; y=5; echo $r; typeset -p r",
            "declare -n r; echo \"[$r]\"; declare -p r; r=y; declare -p r; y=3; echo $r",
            "declare -n ref; ref=arr; ref[0]=x; declare -p arr ref",
            "declare -n r=y; y=1; declare -n r=z; z=2; echo $r; declare -p r",
            "declare -n r=y; declare -n r; echo $?; declare -p r",
            "declare -n r=y; y=1; declare +n r; declare -p r; r=2; echo $r $y",
            "r=y; declare -n r; y=2; echo $r",
            "declare -n r=1abc; echo $?; declare -n q='bad name'; echo $?",
            "declare -n a=b; declare -n b=c; c=9; echo $a; a=10; echo $c",
            "declare -n a1=a2 a2=a3 a3=a4 a4=a5 a5=a6 a6=a7 a7=a8 a8=a9; a9=v; echo $a1",
            "declare -n r=y; y=1; [[ -R r ]] && echo ref; [[ -R y ]] || echo not-a-ref",
        ],
    );
}

/// `unset r` unsets what `r` names (an element too); `unset -n r` unsets the reference and leaves
/// a variable that is not one alone.
#[test]
fn unset_unsets_the_target_and_unset_n_the_reference() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "declare -n r=y; y=1; unset r; echo \"${y-unset}\"; declare -p r",
            "declare -n r=y; y=1; unset -n r; echo \"$y\"; declare -p r",
            "declare -n r=y; unset -n r r2; echo $?; echo \"${r-unset}\"",
            "x=1; unset -n x; echo \"${x-unset}\"; f() { :; }; unset -n f; type -t f",
            "declare -n r=y; y=(1 2 3); unset 'r[1]'; declare -p y",
            "arr=(a b c); declare -n r='arr[1]'; unset r; declare -p arr",
            "declare -n r=y; y=1; declare -n r2=r; unset r2; echo \"${y-unset}\"; declare -p r r2",
        ],
    );
}

/// `${!r}` is the name `r` refers to (at the end of a chain), not the variable that name holds.
#[test]
fn indirection_on_a_reference_gives_the_name_it_refers_to() {
    let home = Home::new();
    let out = ncsh_within(&home, &["-c", "declare -n r=y; y=z; echo ${!r}"], LIMIT);
    assert_eq!(stdout(&out), "y\n");

    same_as_bash(
        &home,
        &[
            "declare -n r=y; echo ${!r}",
            "declare -n r=y; y=1; echo ${!r} ${!r:-d}",
            "declare -n r=y; y=1; declare -n s=r; echo $s ${!s}; s=2; echo $y",
            "declare -n r=arr; arr=(a b); echo ${!r} ${!r[@]}",
        ],
    );
}

/// `local -n ref=$1` gives a function a handle on a variable of its caller, an array among them,
/// at any depth of calls.
#[test]
fn local_n_passes_variables_and_arrays_by_name() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "f() { local -n ref=$1; ref=(x y); echo ${#ref[@]}; }; f myarr; echo ${myarr[@]}",
            "f() { local -n ref=$1; echo \"${ref[@]}\"; ref+=(new); }; a=(1 2); f a; echo \"${a[@]}\"",
            "f() { local -n x=$1; x=changed; }; g() { local v=inner; f v; echo $v; }; v=global; g; \
         echo $v",
            "f() { local -n out=$1; out=result; }; f v; echo $v; declare -p v",
            "f() { local -n a=$1 b=$2; a=A; b=B; }; f p q; echo $p $q",
            "g() { local -n out=$1; out+=(more); }; f() { local list=(x); g list; echo \"${list[@]}\"; \
         }; f",
            "f() { local -n arr=$1; local i; for i in \"${!arr[@]}\"; do echo \"$i=${arr[$i]}\"; done; \
         }; x=(p q); f x",
            "f() { local -n r=$1; echo ${#r[@]} ${r[1]}; unset 'r[0]'; }; a=(x y z); f a; declare -p a",
            "f() { local -n m=$1; m[key]=val; }; declare -A h; f h; declare -p h",
            "f() { local -n count=$1; (( count++ )); }; n=1; f n; f n; echo $n",
            "f() { local -n r=y; local r=5; echo $y; declare -p r; }; f; echo \"g:${y-unset}\"",
            "f() { declare -gn gr=$1; }; v=9; f v; echo $gr; declare -p gr",
            "declare -n r=x; x=1; f() { local x=2; echo $r; r=3; echo $x; }; f; echo $x",
        ],
    );
}

/// A reference to itself is refused at the top level and warned of in a function; a loop of
/// references is reported in bash's words when read or assigned, and never hangs.
#[test]
fn a_loop_of_references_is_an_error_not_a_hang() {
    let home = Home::new();
    same_as_bash(
        &home,
        &[
            "declare -n a=a; echo $?; declare -p a",
            "declare -n a='a[1]'; echo $?",
            "f() { local -n a=a; echo st=$?; declare -p a; }; f",
            "f() { declare -n a=a; echo st=$?; }; f",
            "declare -n a=b; declare -n b=a; echo \"[$a]\"; echo \"[$b]\"; echo after",
            "declare -n a=b; declare -n b=c; declare -n c=a; echo \"[$a]\"; echo after",
            "declare -n a=b; declare -n b=a; a=1; echo after",
            "declare -n a=b; declare -n b=a; unset -n a; echo $?; declare -p b",
        ],
    );

    // Where bash warns more than once, the same output and status, and the warning.
    let home = Home::new();
    for text in [
        "declare -n a=b; declare -n b=a; echo ${#a}; echo st=$?",
        "declare -n a=b; declare -n b=a; read a <<< x; echo \"st=$?\"",
        "declare -n a=b; declare -n b=a; printf -v a %s x; echo \"st=$?\"",
        "declare -n a=b; declare -n b=a; declare a=3; echo $?; declare -p a b",
        "declare -n a=b; declare -n b=a; unset a; echo $?; declare -p b",
    ] {
        let ours = ncsh_within(&home, &["-c", text, "sh-name"], LIMIT);
        let theirs = bash(&home, &["-c", text, "sh-name"]);
        assert_eq!(stdout(&ours), stdout(&theirs), "{text:?}");
        assert_eq!(ours.status.code(), theirs.status.code(), "{text:?}");
        assert!(
            stderr(&ours).contains("warning: a: circular name reference\n"),
            "{text:?}: {}",
            stderr(&ours)
        );
    }
}

/// A function's `local -n ref=$1` called with `ref` loops through its own local, and bash then
/// takes the global variable of that name (warning of it, more often than ncsh does).
#[test]
fn a_local_reference_to_its_own_name_reaches_the_global_variable() {
    let home = Home::new();
    for text in [
        "f() { local -n ref=$1; echo \"$ref\"; }; ref=outer; f ref",
        "f() { local -n ref=$1; ref=new; }; ref=outer; f ref; echo $ref",
        "f() { local -n ref=$1; unset ref; }; ref=outer; f ref; echo \"${ref-unset}\"",
    ] {
        let ours = ncsh_within(&home, &["-c", text, "sh-name"], LIMIT);
        let theirs = bash(&home, &["-c", text, "sh-name"]);
        assert_eq!(stdout(&ours), stdout(&theirs), "{text:?}");
        assert_eq!(ours.status.code(), theirs.status.code(), "{text:?}");
        assert!(
            stderr(&ours).starts_with(
                "environment: line 1: local: warning: ref: circular name reference\n\
                 environment: line 1: warning: ref: circular name reference\n"
            ),
            "{text:?}: {}",
            stderr(&ours)
        );
    }
}
