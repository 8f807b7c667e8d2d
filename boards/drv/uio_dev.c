/* uio_dev.c - the engine's UIO device on a board or a virtual board (see uio_dev.h). */
#define _GNU_SOURCE /* MSG_NOSIGNAL */
#include "boards/drv/uio_dev.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/clock.h"
#include "boards/drv/sysfs.h"
#include "emu/vboard_proto.h"
#include "isa/regs.h"

enum {
    ALL_ONES = 0xFFFFFFFFu,
    NAMES_LIST_MAX = 200, /* the UIO names found, for the not-found message */
};

struct uio_dev {
    char path[ODPU_SYSFS_PATH_MAX];
    int irq_fd;                 /* the UIO file, or the virtual board's IRQ connection */
    int reg_fd;                 /* the virtual board's register connection; -1 on a board */
    volatile uint32_t *regs;    /* map 0 on a board; NULL on a virtual board */
    uint64_t map_size;
    uint32_t answer_ms;
    odpu_err fault;
};

/* ---- Finding the device ------------------------------------------------------------------- */

/* The N of root/sys/class/uio/uioN whose name is `name`; -1 if none, with the names seen. */
static int find_by_name(const char *class_dir, const char *name, char *seen, size_t seen_size)
{
    DIR *dir = opendir(class_dir);
    int found = -1;
    seen[0] = '\0';
    for (struct dirent *e; dir && found < 0 && (e = readdir(dir));) {
        int n;
        char tail;
        if (sscanf(e->d_name, "uio%d%c", &n, &tail) != 1)
            continue;
        char path[ODPU_SYSFS_PATH_MAX], value[ODPU_SYSFS_VALUE_MAX];
        int len = snprintf(path, sizeof path, "%s/%s/name", class_dir, e->d_name);
        if (len < 0 || (size_t)len >= sizeof path || odpu_sysfs_read(path, value, sizeof value, NULL) != ODPU_OK)
            continue;
        if (!strcmp(value, name))
            found = n;
        size_t used = strlen(seen);
        if (snprintf(seen + used, seen_size - used, "%s%s '%s'", used ? "," : "", e->d_name, value) < 0)
            seen[used] = '\0';
    }
    if (dir)
        closedir(dir);
    return found;
}

static odpu_status read_map0(const char *class_dir, int n, uint64_t *size, odpu_err *err)
{
    char path[ODPU_SYSFS_PATH_MAX];
    int len = snprintf(path, sizeof path, "%s/uio%d/maps/map0/size", class_dir, n);
    if (len < 0 || (size_t)len >= sizeof path)
        return odpu_fail(err, ODPU_E_ARG, "%s: path too long", class_dir);
    odpu_status st = odpu_sysfs_read_u64(path, size, err);
    if (st == ODPU_OK && *size < ODPU_REG_MAP_BYTES)
        return odpu_fail(err, ODPU_E_CONFIG,
                         "%s: map 0 is %" PRIu64 " bytes, the engine's registers take %d: the overlay's reg "
                         "property is not the engine's control port",
                         path, *size, (int)ODPU_REG_MAP_BYTES);
    return st;
}

/* ---- The board: a character device -------------------------------------------------------- */

static odpu_status open_chardev(uio_dev *u, odpu_err *err)
{
    u->irq_fd = open(u->path, O_RDWR | O_CLOEXEC);
    if (u->irq_fd < 0)
        return odpu_fail(err, ODPU_E_IO, "%s: %s%s", u->path, strerror(errno),
                         errno == EACCES ? " (give your user access to the device, docs/boards.md)" : "");
    /* Map N of a UIO device is at offset N pages of its file. */
    void *p = mmap(NULL, (size_t)u->map_size, PROT_READ | PROT_WRITE, MAP_SHARED, u->irq_fd, 0);
    if (p == MAP_FAILED)
        return odpu_fail(err, ODPU_E_IO, "%s: cannot map the registers: %s", u->path, strerror(errno));
    u->regs = p;
    return ODPU_OK;
}

/* ---- The virtual board: a socket ---------------------------------------------------------- */

static int connect_role(const char *path, vb_role role)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    vb_msg hello = {VB_HELLO, (uint32_t)role, VB_PROTO_VERSION};
    if (fd < 0 || connect(fd, (const struct sockaddr *)&addr, sizeof addr) != 0 ||
        send(fd, &hello, sizeof hello, MSG_NOSIGNAL) != (ssize_t)sizeof hello) {
        int saved = errno;
        if (fd >= 0)
            close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static odpu_status open_socket(uio_dev *u, odpu_err *err)
{
    u->irq_fd = connect_role(u->path, VB_ROLE_IRQ);
    if (u->irq_fd >= 0)
        u->reg_fd = connect_role(u->path, VB_ROLE_REGS);
    if (u->irq_fd < 0 || u->reg_fd < 0)
        return odpu_fail(err, ODPU_E_IO, "%s: cannot connect to the virtual board: %s (is `opendpu vboard` running?)",
                         u->path, strerror(errno));
    return ODPU_OK;
}

static void set_fault(uio_dev *u, const char *fmt, uint32_t offset, const char *why)
{
    if (u->fault.code != ODPU_OK)
        return;
    char what[64];
    snprintf(what, sizeof what, fmt, odpu_reg_name(offset), offset);
    odpu_fail(&u->fault, ODPU_E_DEVICE, "%s: %s: %s", u->path, what, why);
}

static uint32_t socket_read(uio_dev *u, uint32_t offset)
{
    vb_msg m = {VB_OP_READ, offset, 0};
    uint32_t value = ALL_ONES;
    if (send(u->reg_fd, &m, sizeof m, MSG_NOSIGNAL) != (ssize_t)sizeof m) {
        set_fault(u, "reading %s (0x%02x)", offset, strerror(errno));
        return ALL_ONES;
    }
    struct pollfd p = {.fd = u->reg_fd, .events = POLLIN};
    int ready = poll(&p, 1, (int)u->answer_ms);
    ssize_t n = ready > 0 ? recv(u->reg_fd, &value, sizeof value, 0) : -1;
    if (ready == 0)
        set_fault(u, "reading %s (0x%02x)", offset, "the virtual board did not answer (is it stopped?)");
    else if (n != (ssize_t)sizeof value)
        set_fault(u, "reading %s (0x%02x)", offset, n == 0 ? "the virtual board closed the connection" : strerror(errno));
    return n == (ssize_t)sizeof value ? value : ALL_ONES;
}

static void socket_write(uio_dev *u, uint32_t offset, uint32_t value)
{
    vb_msg m = {VB_OP_WRITE, offset, value};
    if (send(u->reg_fd, &m, sizeof m, MSG_NOSIGNAL) != (ssize_t)sizeof m)
        set_fault(u, "writing %s (0x%02x)", offset, strerror(errno));
}

/* ---- Public ------------------------------------------------------------------------------- */

odpu_status uio_dev_open(const char *root, const char *name, uint32_t answer_ms, uio_dev **out, odpu_err *err)
{
    *out = NULL;
    char class_dir[ODPU_SYSFS_PATH_MAX], seen[NAMES_LIST_MAX];
    odpu_status st = odpu_sysfs_path(class_dir, sizeof class_dir, root, "sys/class/uio", err);
    if (st != ODPU_OK)
        return st;
    int n = find_by_name(class_dir, name, seen, sizeof seen);
    if (n < 0)
        return odpu_fail(err, ODPU_E_IO,
                         "no UIO device named '%s' under %s (found: %s); is the engine's overlay loaded "
                         "(xmutil loadapp / fpgautil) and generic-uio bound (uio_pdrv_genirq.of_id=generic-uio)? "
                         "docs/boards.md",
                         name, class_dir, seen[0] ? seen : "none");
    uio_dev *u = calloc(1, sizeof *u);
    if (!u)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    u->irq_fd = u->reg_fd = -1;
    u->answer_ms = answer_ms;
    char rel[32];
    snprintf(rel, sizeof rel, "dev/uio%d", n);
    st = odpu_sysfs_path(u->path, sizeof u->path, root, rel, err);
    if (st == ODPU_OK)
        st = read_map0(class_dir, n, &u->map_size, err);
    struct stat sb;
    if (st == ODPU_OK && stat(u->path, &sb) != 0)
        st = odpu_fail(err, ODPU_E_IO, "%s: %s (sysfs lists uio%d '%s', its device file is missing)", u->path,
                       strerror(errno), n, name);
    if (st == ODPU_OK)
        st = S_ISCHR(sb.st_mode)    ? open_chardev(u, err)
             : S_ISSOCK(sb.st_mode) ? open_socket(u, err)
                                    : odpu_fail(err, ODPU_E_IO, "%s is neither a UIO device nor a virtual board", u->path);
    if (st != ODPU_OK) {
        uio_dev_close(u);
        return st;
    }
    *out = u;
    return ODPU_OK;
}

void uio_dev_close(uio_dev *u)
{
    if (!u)
        return;
    if (u->regs)
        munmap((void *)u->regs, (size_t)u->map_size);
    if (u->irq_fd >= 0)
        close(u->irq_fd);
    if (u->reg_fd >= 0)
        close(u->reg_fd);
    free(u);
}

uint32_t uio_dev_read(uio_dev *u, uint32_t offset)
{
    if (offset % ODPU_REG_BYTES || offset >= u->map_size) {
        set_fault(u, "reading %s (0x%02x)", offset, "not a register of map 0");
        return ALL_ONES;
    }
    return u->regs ? u->regs[offset / ODPU_REG_BYTES] : socket_read(u, offset);
}

void uio_dev_write(uio_dev *u, uint32_t offset, uint32_t value)
{
    if (offset % ODPU_REG_BYTES || offset >= u->map_size)
        set_fault(u, "writing %s (0x%02x)", offset, "not a register of map 0");
    else if (u->regs)
        u->regs[offset / ODPU_REG_BYTES] = value;
    else
        socket_write(u, offset, value);
}

/* UIO's interrupt protocol, the same on both: writing a 32-bit 1 unmasks the interrupt (the
 * kernel masks it when it fires: the line is level-sensitive and stays high until ISR is
 * acknowledged), poll() waits, read() takes the 32-bit count of interrupts so far. */
odpu_status uio_dev_wait_irq(uio_dev *u, uint32_t timeout_ms, odpu_err *err)
{
    if (u->fault.code != ODPU_OK)
        return odpu_fail(err, u->fault.code, "%s", u->fault.msg);
    int32_t unmask = 1;
    if (write(u->irq_fd, &unmask, sizeof unmask) != (ssize_t)sizeof unmask)
        return odpu_fail(err, ODPU_E_DEVICE, "%s: cannot unmask the interrupt: %s (does the overlay give the "
                         "node `interrupts`, and is it bound to uio_pdrv_genirq?)", u->path, strerror(errno));
    uint64_t deadline = odpu_now_ns() + (uint64_t)timeout_ms * ODPU_NS_PER_MS;
    for (;;) {
        uint64_t now = odpu_now_ns();
        int left_ms = now >= deadline ? 0 : (int)((deadline - now + ODPU_NS_PER_MS - 1) / ODPU_NS_PER_MS);
        struct pollfd p = {.fd = u->irq_fd, .events = POLLIN};
        int ready = poll(&p, 1, left_ms);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0)
            return odpu_fail(err, ODPU_E_TIMEOUT, "no interrupt from %s within %" PRIu32 " ms", u->path, timeout_ms);
        uint32_t count = 0;
        ssize_t n = ready > 0 ? read(u->irq_fd, &count, sizeof count) : -1;
        if (n == (ssize_t)sizeof count)
            return ODPU_OK;
        return odpu_fail(err, ODPU_E_DEVICE, "%s: waiting for the interrupt: %s", u->path,
                         n == 0 ? "the virtual board closed the connection" : strerror(errno));
    }
}

const odpu_err *uio_dev_fault(const uio_dev *u) { return &u->fault; }
const char *uio_dev_path(const uio_dev *u) { return u->path; }
int uio_dev_is_virtual(const uio_dev *u) { return u->regs == NULL; }
