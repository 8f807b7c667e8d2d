/* vboard.c - the virtual board (see vboard.h). One process, one thread: a poll() loop over
 * the listening socket, the driver's connections and a signalfd; between messages the engine
 * is clocked in slices while a run is going or the driver waits for the interrupt, which is
 * what the sim backend does in-process (docs/sim.md), so both count the same cycles. */
#define _GNU_SOURCE /* signalfd, MSG_NOSIGNAL */
#include "sim/vboard.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "emu/arena.h"
#include "emu/vboard_proto.h"
#include "isa/regs.h"
#include "sim/vl_device.h"

enum {
    MAX_CLIENTS = 8,          /* a driver holds two connections; a refused second process none */
    SLICE_CYCLES = 2048,      /* clock cycles between two looks at the sockets */
    PATH_MAX_LEN = 1024,
    UIO_MAP_BYTES = 0x10000,  /* the overlay's reg size for the control port (64 KiB) */
    DECOY_INDEX = 0,          /* a board has other UIO devices; ours is not the first */
    ENGINE_INDEX = 1,
    LISTEN_BACKLOG = 4,
};

/* The control port's address in the board design (boards/, docs/boards.md). */
#define UIO_MAP_ADDR UINT64_C(0xA0000000)

typedef struct client {
    int fd;
    vb_role role;       /* 0 until the hello */
    int irq_unmasked;   /* IRQ role: the driver wrote 1 and no interrupt was delivered since */
} client;

typedef struct vboard {
    const vboard_options *opt;
    char dev_uio[PATH_MAX_LEN];
    int listen_fd, signal_fd, mem_fd;
    uint8_t *mem;
    odpu_arena *arena;
    vl_device *dev;
    client clients[MAX_CLIENTS];
    uint32_t irq_count;
    int run_active;     /* an ap_start was written and the line has not risen since */
} vboard;

/* ---- The directory ------------------------------------------------------------------------ */

static odpu_status make_dirs(const char *path, odpu_err *err)
{
    char buf[PATH_MAX_LEN];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return odpu_fail(err, ODPU_E_ARG, "%s: path too long", path);
    for (char *p = buf + 1;; p++) {
        char c = *p;
        if (c != '/' && c != '\0')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return odpu_fail(err, ODPU_E_IO, "%s: cannot create: %s", buf, strerror(errno));
        *p = c;
        if (!c)
            return ODPU_OK;
    }
}

/* root/dir/name holding text and a newline, as a sysfs attribute reads. */
static odpu_status write_attr(const char *root, const char *dir, const char *name, const char *text, odpu_err *err)
{
    char path[PATH_MAX_LEN];
    snprintf(path, sizeof path, "%s/%s", root, dir);
    odpu_status st = make_dirs(path, err);
    if (st != ODPU_OK)
        return st;
    if (snprintf(path, sizeof path, "%s/%s/%s", root, dir, name) >= (int)sizeof path)
        return odpu_fail(err, ODPU_E_ARG, "%s/%s/%s: path too long", root, dir, name);
    FILE *f = fopen(path, "w");
    if (!f || fprintf(f, "%s\n", text) < 0 || fclose(f) != 0)
        return odpu_fail(err, ODPU_E_IO, "%s: cannot write: %s", path, strerror(errno));
    return ODPU_OK;
}

/* /sys/class/uio/uioN: name, version, map 0. */
static odpu_status lay_out_uio(const char *root, int index, const char *name, odpu_err *err)
{
    char dir[PATH_MAX_LEN], map[PATH_MAX_LEN], text[64];
    snprintf(dir, sizeof dir, "sys/class/uio/uio%d", index);
    if (snprintf(map, sizeof map, "%s/maps/map0", dir) >= (int)sizeof map)
        return odpu_fail(err, ODPU_E_ARG, "%s: path too long", dir);
    odpu_status st = write_attr(root, dir, "name", name, err);
    if (st == ODPU_OK)
        st = write_attr(root, dir, "version", "devicetree", err);
    snprintf(text, sizeof text, "0x%016" PRIx64, UIO_MAP_ADDR + (uint64_t)index * UIO_MAP_BYTES);
    if (st == ODPU_OK)
        st = write_attr(root, map, "addr", text, err);
    snprintf(text, sizeof text, "0x%016x", (unsigned)UIO_MAP_BYTES);
    if (st == ODPU_OK)
        st = write_attr(root, map, "size", text, err);
    if (st == ODPU_OK)
        st = write_attr(root, map, "offset", "0x0", err);
    return st;
}

/* /sys/class/u-dma-buf/NAME: what u-dma-buf shows; the sync attributes are plain files (the
 * memory is shared, so there is no cache to flush). */
static odpu_status lay_out_udmabuf(const vboard_options *o, odpu_err *err)
{
    char dir[PATH_MAX_LEN], text[64];
    snprintf(dir, sizeof dir, "sys/class/u-dma-buf/%s", o->udmabuf_name);
    snprintf(text, sizeof text, "0x%016" PRIx64, o->udmabuf_phys);
    odpu_status st = write_attr(o->root, dir, "phys_addr", text, err);
    snprintf(text, sizeof text, "%" PRIu64, o->udmabuf_bytes);
    if (st == ODPU_OK)
        st = write_attr(o->root, dir, "size", text, err);
    if (st == ODPU_OK)
        st = write_attr(o->root, dir, "dma_coherent", o->coherent ? "1" : "0", err);
    static const char *const sync_attrs[] = {"sync_offset", "sync_size", "sync_direction", "sync_for_cpu",
                                             "sync_for_device"};
    for (size_t i = 0; st == ODPU_OK && i < sizeof sync_attrs / sizeof sync_attrs[0]; i++)
        st = write_attr(o->root, dir, sync_attrs[i], "0", err);
    return st;
}

static odpu_status open_memory(vboard *vb, odpu_err *err)
{
    const vboard_options *o = vb->opt;
    char path[PATH_MAX_LEN];
    snprintf(path, sizeof path, "%s/dev", o->root);
    odpu_status st = make_dirs(path, err);
    if (st != ODPU_OK)
        return st;
    snprintf(path, sizeof path, "%s/dev/%s", o->root, o->udmabuf_name);
    unlink(path); /* a fresh buffer: nothing left from an earlier session */
    vb->mem_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (vb->mem_fd < 0 || ftruncate(vb->mem_fd, (off_t)o->udmabuf_bytes) != 0)
        return odpu_fail(err, ODPU_E_IO, "%s: cannot create the DMA buffer: %s", path, strerror(errno));
    void *p = mmap(NULL, (size_t)o->udmabuf_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, vb->mem_fd, 0);
    if (p == MAP_FAILED)
        return odpu_fail(err, ODPU_E_IO, "%s: cannot map: %s", path, strerror(errno));
    vb->mem = p;
    return odpu_arena_wrap(o->udmabuf_phys, vb->mem, o->udmabuf_bytes, 1, &vb->arena, err);
}

static odpu_status open_socket(vboard *vb, odpu_err *err)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (snprintf(vb->dev_uio, sizeof vb->dev_uio, "%s/dev/uio%d", vb->opt->root, ENGINE_INDEX) >= (int)sizeof addr.sun_path)
        return odpu_fail(err, ODPU_E_ARG, "%s: too long for a socket path (%zu bytes at most)", vb->dev_uio,
                         sizeof addr.sun_path - 1);
    strcpy(addr.sun_path, vb->dev_uio);
    unlink(vb->dev_uio);
    vb->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (vb->listen_fd < 0 || bind(vb->listen_fd, (const struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(vb->listen_fd, LISTEN_BACKLOG) != 0)
        return odpu_fail(err, ODPU_E_IO, "%s: cannot listen: %s", vb->dev_uio, strerror(errno));
    return ODPU_OK;
}

static odpu_status open_signals(vboard *vb, odpu_err *err)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &set, NULL) != 0 || (vb->signal_fd = signalfd(-1, &set, SFD_CLOEXEC)) < 0)
        return odpu_fail(err, ODPU_E_IO, "vboard: cannot take SIGINT and SIGTERM: %s", strerror(errno));
    return ODPU_OK;
}

/* ---- Serving ------------------------------------------------------------------------------ */

static void drop_client(client *c)
{
    close(c->fd);
    *c = (client){.fd = -1};
}

static void accept_client(vboard *vb)
{
    int fd = accept4(vb->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (vb->clients[i].fd < 0) {
            vb->clients[i] = (client){.fd = fd};
            return;
        }
    close(fd); /* more connections than any driver makes */
}

static void register_access(vboard *vb, client *c, const vb_msg *m)
{
    if (m->op == VB_OP_WRITE) {
        vl_device_write(vb->dev, m->offset, m->value);
        if (m->offset == ODPU_REG_AP_CTRL && (m->value & ODPU_AP_START))
            vb->run_active = 1;
        return;
    }
    uint32_t value = m->op == VB_OP_READ ? vl_device_read(vb->dev, m->offset) : UINT32_MAX;
    if (send(c->fd, &value, sizeof value, MSG_NOSIGNAL) != (ssize_t)sizeof value)
        drop_client(c);
}

/* One message from a client: the hello, a register access, or the UIO unmask word. */
static void serve_client(vboard *vb, client *c)
{
    vb_msg m;
    ssize_t n = recv(c->fd, &m, sizeof m, 0);
    if (n <= 0) {
        drop_client(c);
        return;
    }
    if (!c->role) {
        int ok = n == (ssize_t)sizeof m && m.op == VB_HELLO && m.value == VB_PROTO_VERSION &&
                 (m.offset == VB_ROLE_IRQ || m.offset == VB_ROLE_REGS);
        if (!ok)
            drop_client(c);
        else
            c->role = (vb_role)m.offset;
    } else if (c->role == VB_ROLE_REGS && n == (ssize_t)sizeof m) {
        register_access(vb, c, &m);
    } else if (c->role == VB_ROLE_IRQ && n == (ssize_t)sizeof(int32_t)) {
        int32_t word;
        memcpy(&word, &m, sizeof word);
        c->irq_unmasked = word != 0;
    } else {
        drop_client(c); /* a message of the wrong size: not our driver */
    }
}

static int irq_waiter(const vboard *vb)
{
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (vb->clients[i].fd >= 0 && vb->clients[i].irq_unmasked)
            return 1;
    return 0;
}

/* The level-sensitive line as the GIC and uio_pdrv_genirq see it: an unmasked line that is
 * high is delivered once (count, then masked again until the driver unmasks it). */
static void deliver_irq(vboard *vb)
{
    if (!vl_device_irq(vb->dev))
        return;
    vb->run_active = 0;
    if (vb->opt->fault == VBOARD_FAULT_IRQ_LOST)
        return;
    for (int i = 0; i < MAX_CLIENTS; i++) {
        client *c = &vb->clients[i];
        if (c->fd < 0 || !c->irq_unmasked)
            continue;
        uint32_t count = ++vb->irq_count;
        c->irq_unmasked = 0;
        if (send(c->fd, &count, sizeof count, MSG_NOSIGNAL) != (ssize_t)sizeof count)
            drop_client(c);
    }
}

static int poll_once(vboard *vb, int timeout_ms)
{
    struct pollfd fds[MAX_CLIENTS + 2];
    int owner[MAX_CLIENTS + 2];
    int n = 0;
    fds[n] = (struct pollfd){.fd = vb->signal_fd, .events = POLLIN};
    owner[n++] = -2;
    fds[n] = (struct pollfd){.fd = vb->listen_fd, .events = POLLIN};
    owner[n++] = -1;
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (vb->clients[i].fd >= 0) {
            fds[n] = (struct pollfd){.fd = vb->clients[i].fd, .events = POLLIN};
            owner[n++] = i;
        }
    if (poll(fds, (nfds_t)n, timeout_ms) < 0)
        return errno == EINTR ? 0 : -1;
    if (fds[0].revents)
        return 1; /* SIGINT or SIGTERM */
    if (fds[1].revents & POLLIN)
        accept_client(vb);
    for (int k = 2; k < n; k++)
        if (fds[k].revents && vb->clients[owner[k]].fd == fds[k].fd)
            serve_client(vb, &vb->clients[owner[k]]);
    return 0;
}

static odpu_status serve(vboard *vb, odpu_err *err)
{
    for (;;) {
        int clocking = (vb->run_active || irq_waiter(vb)) && !vl_device_irq(vb->dev);
        int stop = poll_once(vb, clocking ? 0 : -1);
        if (stop < 0)
            return odpu_fail(err, ODPU_E_IO, "vboard: poll: %s", strerror(errno));
        if (stop)
            return ODPU_OK;
        if (clocking)
            vl_device_run(vb->dev, SLICE_CYCLES);
        const odpu_err *f = vl_device_fault(vb->dev);
        if (f->code != ODPU_OK) {
            if (err)
                *err = *f;
            return odpu_err_prefix(err, "vboard: the simulated device failed: ");
        }
        deliver_irq(vb);
    }
}

static void vboard_close(vboard *vb)
{
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (vb->clients[i].fd >= 0)
            close(vb->clients[i].fd);
    vl_device_close(vb->dev);
    odpu_arena_destroy(vb->arena);
    if (vb->mem)
        munmap(vb->mem, (size_t)vb->opt->udmabuf_bytes);
    if (vb->mem_fd >= 0)
        close(vb->mem_fd);
    if (vb->listen_fd >= 0) {
        close(vb->listen_fd);
        unlink(vb->dev_uio);
    }
    if (vb->signal_fd >= 0)
        close(vb->signal_fd);
}

odpu_status vboard_serve(const vboard_options *opt, odpu_err *err)
{
    vboard vb = {.opt = opt, .listen_fd = -1, .signal_fd = -1, .mem_fd = -1};
    for (int i = 0; i < MAX_CLIENTS; i++)
        vb.clients[i].fd = -1;
    if (opt->udmabuf_bytes == 0 || opt->udmabuf_bytes % ODPU_ARENA_PAGE || opt->udmabuf_phys % ODPU_ARENA_PAGE)
        return odpu_fail(err, ODPU_E_ARG, "vboard: the DMA buffer (%" PRIu64 " bytes at 0x%" PRIx64 ") must be whole "
                         "pages at a page-aligned address", opt->udmabuf_bytes, opt->udmabuf_phys);
    /* Before the model starts its worker threads, which inherit the mask: the signals must
     * reach the signalfd, not end the process in another thread. */
    odpu_status st = open_signals(&vb, err);
    if (st == ODPU_OK)
        st = make_dirs(opt->root, err);
    if (st == ODPU_OK)
        st = lay_out_uio(opt->root, DECOY_INDEX, "axi-pmon", err);
    if (st == ODPU_OK)
        st = lay_out_uio(opt->root, ENGINE_INDEX, opt->uio_name, err);
    if (st == ODPU_OK)
        st = lay_out_udmabuf(opt, err);
    if (st == ODPU_OK)
        st = open_memory(&vb, err);
    if (st == ODPU_OK) {
        vl_device_options vo = {.arch = opt->arch, .memory = vb.arena, .trace_path = opt->trace_path,
                                .fault = opt->ddr};
        st = vl_device_open(&vo, &vb.dev, err);
    }
    if (st == ODPU_OK)
        st = open_socket(&vb, err); /* last: a driver that finds the socket finds everything */
    if (st == ODPU_OK) {
        printf("vboard: arch %s at %s (uio%d '%s', u-dma-buf '%s' %" PRIu64 " MiB at 0x%" PRIx64 "%s)\n",
               opt->arch->name, vb.dev_uio, ENGINE_INDEX, opt->uio_name, opt->udmabuf_name,
               opt->udmabuf_bytes >> 20, opt->udmabuf_phys, opt->coherent ? ", coherent" : "");
        fflush(stdout);
        st = serve(&vb, err);
    }
    vboard_close(&vb);
    return st;
}
