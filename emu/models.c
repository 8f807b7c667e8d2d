/* models.c - picking an emulated backend's engine by arch (see models.h). */
#include "emu/models.h"

#include <inttypes.h>
#include <stdio.h>

odpu_status odpu_emu_pick_model(const char *who, const odpu_arch *arch, const odpu_emu_model *const *models,
                                size_t n, const char *how_to_add, size_t *index, odpu_err *err)
{
    uint64_t fp = odpu_arch_fingerprint(arch);
    char list[ODPU_ERR_MSG_MAX / 2] = "";
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (models[i]->fingerprint == fp && models[i]->axi_data_bits == arch->axi_data_bits) {
            *index = i;
            return ODPU_OK;
        }
        int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", models[i]->arch);
        if (w > 0 && (size_t)w < sizeof list - used)
            used += (size_t)w;
    }
    return odpu_fail(err, ODPU_E_UNSUPPORTED,
                     "%s: no engine built for arch '%s' (fingerprint %016" PRIx64 ", %" PRIu32
                     "-bit AXI); this build has: %s (%s)",
                     who, arch->name, fp, arch->axi_data_bits, n ? list : "none", how_to_add);
}
