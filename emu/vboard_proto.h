/* vboard_proto.h - the wire format between the uio backend and a virtual board (`opendpu
 * vboard`, docs/boards.md "The virtual board"): what /dev/uioN carries when it is a socket.
 *
 * On a board /dev/uioN is a character device: the registers are a mapping of it, the
 * interrupt is read()/write()/poll() on it. On a virtual board it is a Unix socket
 * (SOCK_SEQPACKET), because a mapped file cannot show the device a read (ap_done clears on
 * read) or a write (ap_start, ISR's toggle) as the AXI4-Lite bus does. The driver connects
 * twice: an IRQ connection that then behaves exactly like the UIO file (write a 32-bit 1 to
 * enable the interrupt, poll() for POLLIN, read the 32-bit event count), and a register
 * connection that carries one access per message. The first message on each says which. */
#ifndef ODPU_EMU_VBOARD_PROTO_H
#define ODPU_EMU_VBOARD_PROTO_H

#include <stdint.h>

/* The first message of a connection: {VB_HELLO, role, VB_PROTO_VERSION}. */
enum {
    VB_HELLO = 0x4f44564bu, /* "KVDO" */
    VB_PROTO_VERSION = 1,
};
typedef enum vb_role { VB_ROLE_IRQ = 1, VB_ROLE_REGS = 2 } vb_role;

/* A register access on the register connection; a read is answered by one uint32_t. Writes
 * are posted, as on AXI4-Lite behind the PS: the next access on the connection sees them. */
typedef enum vb_op { VB_OP_READ = 1, VB_OP_WRITE = 2 } vb_op;

typedef struct vb_msg {
    uint32_t op;     /* VB_HELLO's first word, or a vb_op */
    uint32_t offset; /* byte offset in the register map, or the vb_role */
    uint32_t value;  /* the value written, or VB_PROTO_VERSION */
} vb_msg;

#endif
