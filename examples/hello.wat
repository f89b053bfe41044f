;; hello.wat — calls the host function it imports (examples/hello.c)
(module
  (func $hello (import "" "hello"))
  (func (export "run") (call $hello)))
