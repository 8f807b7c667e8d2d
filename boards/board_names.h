/* board_names.h - the fixed names a board's Linux side is found by (docs/boards.md, "What the
 * driver relies on"). tools/odpu_board writes them into the device-tree overlay and the UIO
 * backend looks the devices up by them, never by a number (/dev/uio0 depends on probe order).
 *   ODPU_BOARD_UIO_NAME      /sys/class/uio/uioN/name of the engine's registers and interrupt:
 *                            uio_pdrv_genirq names the device after its device-tree node
 *                            (without the unit address), so the node is "opendpu@<address>".
 *   ODPU_BOARD_UDMABUF_NAME  u-dma-buf's device-name: /dev/udmabuf-opendpu and
 *                            /sys/class/u-dma-buf/udmabuf-opendpu/{phys_addr,size,sync_*}.
 *   ODPU_BOARD_APP_PREFIX    the app folder's prefix (below). */
#ifndef ODPU_BOARDS_BOARD_NAMES_H
#define ODPU_BOARDS_BOARD_NAMES_H

#define ODPU_BOARD_UIO_NAME "opendpu"
#define ODPU_BOARD_UDMABUF_NAME "udmabuf-opendpu"
/* The app and firmware prefix of the shipped boards' board.yaml (app_prefix): the KV260 app
 * folder is /lib/firmware/xilinx/<prefix>-<arch>/, where the xrt backend looks for its xclbin
 * unless told (device option xclbin=PATH). */
#define ODPU_BOARD_APP_PREFIX "opendpu"

#endif
