/* engine_runner.h - test helper: run one encoded stream on a DDR image with an engine,
 * through the HAL exactly as the host runtime would, and report what the engine's status
 * registers say. The same differential tests then run on every backend listed in the
 * environment variable ODPU_TEST_BACKENDS (e.g. "ref,hls,sim"; default "ref"). */
#ifndef ODPU_TESTS_ENGINE_RUNNER_H
#define ODPU_TESTS_ENGINE_RUNNER_H

#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "common/err.h"
#include "isa/isa.h"

enum { ENGINE_MAX_BACKENDS = 8, ENGINE_NAME_MAX = 32 };

/* The backends to test, in the order ODPU_TEST_BACKENDS lists them (commas or spaces). */
typedef struct engine_list {
    char names[ENGINE_MAX_BACKENDS][ENGINE_NAME_MAX];
    size_t count;
} engine_list;

void engine_backends(engine_list *out);

/* The device options a backend under test needs (a board's root directory): the value of
 * ODPU_TEST_DEVICE_<NAME> (NAME upper-cased), or NULL. tests/test_vboard.sh sets it for uio. */
const char *engine_device(const char *backend);

/* One open engine of one backend, instantiated for one arch. */
typedef struct engine_runner engine_runner;

odpu_status engine_open(const char *backend, const odpu_arch *arch, engine_runner **out,
                        odpu_err *err);
void engine_close(engine_runner *runner);
const char *engine_name(const engine_runner *runner);

/* Whether the backend runs case number `index` of a test's loop. A slow backend can be
 * limited to the first N cases of every loop with ODPU_TEST_CASES_<NAME>=N (e.g.
 * ODPU_TEST_CASES_SIM=20 for the RTL simulation; make test sets it); unset means all. */
int engine_runs_case(const engine_runner *runner, int index);

/* How a run ended: ERR_CODE, ERR_INDEX and INSN_DONE after AP_CTRL showed ap_done. */
typedef struct engine_outcome {
    odpu_hw_error hw_error;
    uint32_t err_index;
    uint32_t insns_done;
} engine_outcome;

/* Run n_insns encoded instructions with ddr[0, ddr_size) as the DDR window. The image is
 * copied into a DMA buffer before the run and back into ddr after it, whatever the
 * outcome, so a test sees exactly what the engine wrote. Returns ODPU_OK when the engine
 * reported an outcome (out->hw_error may still be an error); an error status means the
 * run itself could not be carried out (HAL failure, timeout). */
odpu_status engine_run(engine_runner *runner, const uint8_t *stream, size_t n_insns, uint8_t *ddr,
                       size_t ddr_size, engine_outcome *out, odpu_err *err);

#endif
