;; `hello`: the smallest ncsh capability. A WASI preview 1 command module that writes
;; "hello from wasm" to standard output and exits 0. It asks for no permissions.
;;
;; hello.wasm is this file compiled (policy's tests check that they match); rebuild it with
;;   wasm-tools parse hello.wat -o hello.wasm
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; The iovec at 0 points at the text at 16.
  (data (i32.const 0) "\10\00\00\00\10\00\00\00")
  (data (i32.const 16) "hello from wasm\n")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
