;; unbounded guest recursion must trap "call stack exhausted" (exit 3), not crash.
(module (func $f (export "_start") (call $f)))
