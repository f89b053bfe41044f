(module (import "m" "g" (global i32)) (memory 1 2) (table 3 funcref) (global (mut i64) (i64.const 0)) (export "mem" (memory 0)))
