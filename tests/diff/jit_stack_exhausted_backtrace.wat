(module
  (type (;0;) (func))
  (func $f (type 0)
    call $f)
  (export "_start" (func $f)))
