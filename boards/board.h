/* board.h - a board description (boards/<board>/board.yaml, docs/boards.md): the FPGA part and
 * Vivado board, how the engine is attached to the PS (memory port, control address, interrupt)
 * and how Linux finds it (overlay target, app name, DMA buffer size). Read with libyaml;
 * together with an arch config it is the one source of every generated board file. */
#ifndef ODPU_BOARDS_BOARD_H
#define ODPU_BOARDS_BOARD_H

#include <stdint.h>

#include "arch/arch.h"
#include "common/err.h"

enum {
    ODPU_BOARD_NAME_MAX = 32,
    ODPU_BOARD_PART_MAX = 64,
    ODPU_BOARD_TEXT_MAX = 256,
    ODPU_BOARD_ARCHS_MAX = 8
};

/* The PS slave port the engine's AXI4 master reaches DDR through (UG1085, "PS-PL AXI
 * Interfaces"): HP0 is not coherent (the host syncs caches), HPC0 snoops the APU caches
 * through the CCI (the overlay then marks the DMA buffer dma-coherent). */
typedef enum odpu_board_port { ODPU_BOARD_PORT_HP0, ODPU_BOARD_PORT_HPC0 } odpu_board_port;

typedef struct odpu_board {
    char name[ODPU_BOARD_NAME_MAX];              /* "kv260": the folder under boards/ */
    char part[ODPU_BOARD_PART_MAX];              /* FPGA part, e.g. xck26-sfvc784-2LV-c */
    char board_part[ODPU_BOARD_TEXT_MAX];        /* Vivado board part (board files) */
    char board_connections[ODPU_BOARD_TEXT_MAX]; /* Vivado board_connections, "" if none */
    char archs[ODPU_BOARD_ARCHS_MAX][ODPU_ARCH_NAME_MAX]; /* arch names that fit the device */
    uint32_t arch_count;
    char default_arch[ODPU_ARCH_NAME_MAX];       /* one of archs */
    odpu_board_port memory_port;
    uint64_t control_base;                       /* the engine's register window (CPU physical) */
    uint64_t control_size;
    uint32_t irq_spi;                            /* GIC SPI number of the engine's interrupt */
    uint32_t udmabuf_mib;                        /* size of the u-dma-buf DMA buffer */
    char fpga_region[ODPU_BOARD_NAME_MAX];       /* label of the overlay's FPGA region node */
    char app_prefix[ODPU_BOARD_NAME_MAX];        /* app / firmware name: <prefix>-<arch> */
} odpu_board;

/* Parse and validate boards/<board>/board.yaml. Errors name the file, line and key, e.g.
 * "boards/kv260/board.yaml:9: memory_port: 'hp2' is not one of hp0, hpc0". */
odpu_status odpu_board_load(const char *path, odpu_board *out, odpu_err *err);

/* ODPU_E_CONFIG unless the arch is one the board lists as fitting; the message names both
 * files and the archs that fit. */
odpu_status odpu_board_check_arch(const odpu_board *board, const char *board_path, const odpu_arch *arch,
                                  const char *arch_path, odpu_err *err);

/* "hp0" or "hpc0". */
const char *odpu_board_port_name(odpu_board_port port);

#endif
