/* vl_model.h - the C interface to one verilated odpu_top (C++), so that the sim backend is
 * C: create, evaluate, reach the ports, write a waveform. One table per arch the build
 * verilated (sim/vl_model.cpp compiled once per arch with its own --prefix). */
#ifndef ODPU_SIM_VL_MODEL_H
#define ODPU_SIM_VL_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "sim/vl_ports.def"

#ifdef __cplusplus
extern "C" {
#endif

#include "emu/models.h"

typedef enum vl_port_id {
#define VL_X_ENUM(name, dir) VL_PORT_##name,
    VL_PORTS(VL_X_ENUM)
#undef VL_X_ENUM
    VL_PORT_COUNT
} vl_port_id;

/* A port's storage inside the model: Verilator keeps every port as a little-endian integer
 * of 1, 2, 4 or 8 bytes, or as 32-bit words (least significant first) above 64 bits, so on
 * a little-endian host each is `bytes` bytes of a little-endian number. Inputs must be
 * written with their unused high bits 0. */
typedef struct vl_port {
    void *data;
    uint32_t bytes;
} vl_port;

typedef struct vl_model vl_model;

enum { VL_ERR_MAX = 256 };

typedef struct vl_model_ops {
    odpu_emu_model id;         /* the arch it was verilated for (emu/models.h) */
    const char *trace_ext;     /* waveform format compiled in: ".fst" or ".vcd" */
    /* A new model with every port bound in ports[]; with_trace must be set if a waveform
     * will be opened. NULL and a message in err on failure. */
    vl_model *(*create)(int with_trace, vl_port ports[VL_PORT_COUNT], char err[VL_ERR_MAX]);
    void (*destroy)(vl_model *m);
    void (*eval)(vl_model *m);
    /* The simulation time $time and the assertion messages show (the waveform's, in ps). */
    void (*set_time)(vl_model *m, uint64_t time);
    /* Waveform of every signal from now on; 0 on success. */
    int (*trace_open)(vl_model *m, const char *path, char err[VL_ERR_MAX]);
    void (*trace_dump)(vl_model *m, uint64_t time);
    void (*trace_close)(vl_model *m);
    /* Whether an assertion of the RTL failed (it printed the message); the model goes on. */
    int (*assert_failed)(const vl_model *m);
} vl_model_ops;

#ifdef __cplusplus
}
#endif

#endif
