(module
  (func (export "v") (param v128) (result v128) local.get 0)
  (func (export "f") (param f64 f32) (result f64 f32) local.get 0 local.get 1))
