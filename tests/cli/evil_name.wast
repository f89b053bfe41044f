;; evil_name.wast — a script whose failure message quotes a name with an
;; escape sequence (ESC [2J clears the screen): zwasm wast must print it
;; escaped (tests/cli/run.sh checks the output has no ESC byte).
(module (func (export "f") (result i32) i32.const 1))
(assert_return (invoke "g\1b[2J") (i32.const 2))
