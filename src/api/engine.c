/*
 * engine.c — zwasm_engine_new: the one place that knows the execution
 * engines and picks one (cfg.engine) for the runtime.
 */
#include "../interp/interp.h"
#include "../jit/jit.h"
#include "../runtime/runtime.h"

ZWASM_API zwasm_engine_t *zwasm_engine_new(const zwasm_config_t *cfg) {
    zwasm_engine_kind_t kind = cfg ? cfg->engine : ZWASM_ENGINE_AUTO;
    switch (kind) {
    case ZWASM_ENGINE_INTERP: return zw_engine_create(cfg, &zw_interp_backend);
    case ZWASM_ENGINE_AUTO:
        return zw_engine_create(cfg, zw_jit_supported() ? &zw_jit_backend : &zw_interp_backend);
    case ZWASM_ENGINE_JIT:
        /* a machine the JIT cannot run on is refused, never silently interpreted */
        return zw_jit_supported() ? zw_engine_create(cfg, &zw_jit_backend) : NULL;
    }
    return NULL;
}
