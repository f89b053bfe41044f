;; evil_names.wat — import and export names carrying terminal controls: ESC
;; sequences, a C1 CSI (U+009B) and bidirectional overrides (U+202E,
;; U+2066).  inspect and the unknown-import error must print them escaped
;; (tests/cli/run.sh).
(module
  (import "env\e2\80\ae" "x\1b[31mred" (func))
  (func (export "ok\c2\9b31m\e2\81\a6") nop))
