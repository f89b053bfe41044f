;; What WebAssembly 1.0 accepts and refuses: zwasm wast --wasm 1.0 (made by
;; gen.py beside this file; the same modules are valid WebAssembly 2.0).

;; a 1.0 module: memory and data, a table, its elements and call_indirect,
;; globals, loops
(module
  (type $ii (func (param i32) (result i32)))
  (memory 1)
  (data (i32.const 16) "\2a")
  (table 2 funcref)
  (elem (i32.const 0) $double $load)
  (global $g (mut i32) (i32.const 0))
  (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $load (type $ii) (i32.load8_u (local.get 0)))
  (func (export "call") (param i32 i32) (result i32)
    (call_indirect (type $ii) (local.get 1) (local.get 0)))
  (func (export "sum") (param $n i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (global.set $g (i32.add (global.get $g) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (global.get $g))
)
(assert_return (invoke "call" (i32.const 0) (i32.const 21)) (i32.const 42))
(assert_return (invoke "call" (i32.const 1) (i32.const 16)) (i32.const 42))
(assert_trap (invoke "call" (i32.const 2) (i32.const 0)) "undefined element")
(assert_return (invoke "sum" (i32.const 100)) (i32.const 5050))

;; call_indirect's table index is a reserved zero byte in 1.0
(assert_malformed
  (module binary
    "\00asm\01\00\00\00"
    "\01\04\01\60\00\00"              ;; type 0: [] -> []
    "\03\02\01\00"                    ;; func 0: type 0
    "\04\04\01\70\00\01"              ;; table 0: funcref, min 1
    "\0a\0a\01\08\00\41\00\11\00\80\00\0b"  ;; call_indirect 0 with table index 0 as 2 bytes
  )
  "zero byte expected"
)

;; sign extension
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\05\01\60\00\01\7f\03\02\01\00\0a\07\01\05\00\41\01\c0\0b")
  "illegal opcode"
)

;; saturating float-to-int
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\05\01\60\00\01\7f\03\02\01\00\0a\0b\01\09\00\43\00\00\80\3f\fc\00\0b")
  "illegal opcode"
)

;; multi-value: a block type by index
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\0a\02\60\00\01\7f\60\01\7f\01\7f\03\02\01\00\0a\09\01\07\00\41\01\02\01\0b\0b")
  "malformed value type"
)

;; reference types: a funcref local
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\04\01\60\00\00\03\02\01\00\0a\06\01\04\01\01\70\0b")
  "malformed value type"
)

;; reference types: an externref parameter
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\05\01\60\01\6f\00\03\02\01\00\0a\04\01\02\00\0b")
  "malformed value type"
)

;; reference types: an externref table
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\04\04\01\6f\00\01")
  "malformed reference type"
)

;; reference types: ref.null
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\04\01\60\00\00\03\02\01\00\0a\07\01\05\00\d0\70\1a\0b")
  "illegal opcode"
)

;; reference types: typed select
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\05\01\60\00\01\7f\03\02\01\00\0a\0d\01\0b\00\41\01\41\02\41\03\1c\01\7f\0b")
  "illegal opcode"
)

;; reference types: table.size
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\05\01\60\00\01\7f\03\02\01\00\04\04\01\70\00\01\0a\07\01\05\00\fc\10\00\0b")
  "illegal opcode"
)

;; reference types: a declarative segment
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\04\01\60\00\00\03\02\01\00\09\05\01\03\00\01\00\0a\04\01\02\00\0b")
  "malformed elements segment kind"
)

;; bulk memory: memory.fill
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\04\01\60\00\00\03\02\01\00\05\03\01\00\01\0a\0d\01\0b\00\41\00\41\00\41\00\fc\0b\00\0b")
  "illegal opcode"
)

;; bulk memory: a passive data segment
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\05\03\01\00\01\0b\04\01\01\01\78")
  "malformed data segment kind"
)

;; bulk memory: a passive element segment
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\04\01\60\00\00\03\02\01\00\09\05\01\01\00\01\00\0a\04\01\02\00\0b")
  "malformed elements segment kind"
)

;; bulk memory: the data count section
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\04\01\60\00\00\03\02\01\00\05\03\01\00\01\0c\01\01\0a\07\01\05\00\fc\09\00\0b\0b\04\01\01\01\78")
  "malformed section id"
)

;; SIMD: a v128 local
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\04\01\60\00\00\03\02\01\00\0a\06\01\04\01\01\7b\0b")
  "malformed value type"
)

;; SIMD: v128.const
(assert_malformed
  (module binary "\00\61\73\6d\01\00\00\00\01\04\01\60\00\00\03\02\01\00\0a\17\01\15\00\fd\0c\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\1a\0b")
  "illegal opcode"
)

;; multi-value: two results
(assert_invalid
  (module (func (result i32 i32) (i32.const 1) (i32.const 2)))
  "invalid result arity"
)

;; reference types: two tables
(assert_invalid
  (module (table 1 funcref) (table 1 funcref))
  "multiple tables"
)

;; reference types: an imported and a defined table
(assert_invalid
  (module (import "spectest" "table" (table 1 funcref)) (table 1 funcref))
  "multiple tables"
)
