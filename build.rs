//! Links `ncsh` as a position-dependent executable. It carries wasmtime and cranelift, whose tables
//! hold some 57,000 pointers; in a position-independent executable the loader rewrites every one at
//! each start, which costs more than everything `ncsh -c true` does after (BENCHMARKS.md, start-up:
//! 1.96 ms with, 1.47 ms without; bash takes 1.15 ms). The cost of the trade is that the shell's own
//! image is not placed at a random address (its libraries, heap and stack still are). A shell is an
//! interpreter: whoever controls its input can already run any command, so that randomization guards
//! little here.

fn main() {
    println!("cargo:rustc-link-arg-bin=ncsh=-no-pie");
}
