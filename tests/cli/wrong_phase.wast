;; wrong_phase.wast — the first three assertions name the wrong phase, and
;; zwasm wast must report each as a failure with both codes (tests/cli/run.sh
;; checks the messages); the right-phase twins at the end pass.

;; malformed in the text phase (unknown operator), not invalid
(assert_invalid (module (func i32.frobnicate)) "type mismatch")
;; malformed in the binary decoder (section id 14), not invalid
(assert_invalid (module binary "\00asm\01\00\00\00\0e\00") "type mismatch")
;; valid binary that validation refuses: invalid, not malformed
(assert_malformed (module (func (result i32))) "unexpected end")

(assert_invalid (module (func (result i32))) "type mismatch")
(assert_malformed (module binary "\00asm\01\00\00\00\0e\00") "malformed section id")
(assert_malformed (module quote "(func i32.frobnicate)") "unknown operator")
