/* decode.c — STUB, to be replaced by the binary decoder. */
#include "../module.h"
zwasm_result_t zw_decode(const uint8_t *bytes, size_t len, zw_module **out, zwasm_error_t *err) {
    (void)bytes; (void)len; *out = NULL;
    return zw_err_set(err, ZWASM_ERR_UNSUPPORTED, 0, ZWASM_NO_FUNC, "decoder not implemented");
}
void zw_module_free(zw_module *m) { (void)m; }
const char *zw_valtype_name(zw_valtype t) { (void)t; return "?"; }
