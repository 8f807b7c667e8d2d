/* uio_dev.h - the engine's UIO device (Linux generic-uio, uio_pdrv_genirq): found by name
 * under root/sys/class/uio, its registers mapped, its interrupt waited for with poll() and
 * re-armed. On a virtual board /dev/uioN is a socket instead (emu/vboard_proto.h): this file
 * is the one place where the driver tells the two apart (docs/boards.md). */
#ifndef ODPU_BOARDS_UIO_DEV_H
#define ODPU_BOARDS_UIO_DEV_H

#include <stdint.h>

#include "common/err.h"

typedef struct uio_dev uio_dev;

/* The UIO device whose name attribute is `name`; map 0 must hold the register map
 * (ODPU_REG_MAP_BYTES). answer_ms bounds every wait for a virtual board's register reply. */
odpu_status uio_dev_open(const char *root, const char *name, uint32_t answer_ms, uio_dev **out, odpu_err *err);
void uio_dev_close(uio_dev *u);

/* One 32-bit register access. A failure (an offset outside map 0, a virtual board that is
 * gone or silent) reads as all ones and is kept as the device's fault. */
uint32_t uio_dev_read(uio_dev *u, uint32_t offset);
void uio_dev_write(uio_dev *u, uint32_t offset, uint32_t value);

/* Re-arm the interrupt and wait for it for at most timeout_ms: ODPU_OK, ODPU_E_TIMEOUT, or
 * ODPU_E_DEVICE when the device is gone. */
odpu_status uio_dev_wait_irq(uio_dev *u, uint32_t timeout_ms, odpu_err *err);

/* The first failure of the device (code ODPU_OK while there is none). */
const odpu_err *uio_dev_fault(const uio_dev *u);
/* "/dev/uio0" under the root, and whether it is a virtual board. */
const char *uio_dev_path(const uio_dev *u);
int uio_dev_is_virtual(const uio_dev *u);

#endif
