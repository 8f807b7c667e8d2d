/* dataset.c - labelled images from IDX files (Fashion-MNIST, any IDX pair) and from image
 * folders (see dataset.h). Every failure names the file and what is wrong with it. */
#include "data/dataset.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zlib.h>

#include <stb/stb_image.h>

/* Where Debian's dataset-fashion-mnist package installs the four IDX files, and the
 * environment variable that points elsewhere (another distribution, a test's fake set). */
#define FASHION_MNIST_DIR "/usr/share/datasets/fashion-mnist"
#define FASHION_MNIST_DIR_ENV "ODPU_FASHION_MNIST_DIR"

/* Fashion-MNIST's classes in label order (Xiao, Rasul, Vollgraf 2017, table 1). */
static const char *const fashion_mnist_classes[] = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
};
enum { FASHION_MNIST_CLASSES = sizeof fashion_mnist_classes / sizeof fashion_mnist_classes[0] };

enum {
    IDX_HEADER_BYTES = 4,    /* 0x00 0x00 TYPE NDIMS */
    IDX_TYPE_UBYTE = 0x08,   /* the only element type image and label files use */
    IDX_LABEL_DIMS = 1,      /* labels: count */
    IDX_IMAGE_DIMS_MIN = 3,  /* images: count, rows, cols (gray) */
    IDX_IMAGE_DIMS_MAX = 4,  /*      or count, rows, cols, channels (HWC) */
    /* Images larger than this on a side are not a classifier's input; the bound also keeps
     * h * w * c far from overflowing. */
    IMAGE_SIDE_MAX = 16384,
    IMAGE_CHANNELS_MAX = 4,  /* odpu_preprocess holds 4 means and stds */
    /* gzread takes an unsigned length; read big files in slices of this size. */
    GZ_SLICE = 1 << 30,
    /* A folder set's path names: class folder + file name. */
    PATH_LEN_MAX = 4096,
    /* Generic IDX sets: labels are bytes, so at most 256 classes; names are the numbers. */
    CLASS_NAME_MAX = 16,
};

/* 8 GiB of pixels: far more than any set this tool evaluates (Fashion-MNIST's training set is
 * 47 MB), small enough that a corrupt header cannot make us try to allocate the impossible. */
#define DATASET_BYTES_MAX ((size_t)8 << 30)

/* ---- Small helpers ---------------------------------------------------------------------- */

static int cmp_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void free_strings(char **v, int n)
{
    if (!v)
        return;
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Per-image arrays for count images, zeroed. */
static odpu_status alloc_images(odpu_dataset *ds, int count, odpu_err *err)
{
    ds->count = count;
    ds->labels = calloc((size_t)count, sizeof *ds->labels);
    ds->heights = calloc((size_t)count, sizeof *ds->heights);
    ds->widths = calloc((size_t)count, sizeof *ds->widths);
    ds->channels = calloc((size_t)count, sizeof *ds->channels);
    ds->pixels = calloc((size_t)count, sizeof *ds->pixels);
    if (!ds->labels || !ds->heights || !ds->widths || !ds->channels || !ds->pixels)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory for %d images", count);
    return ODPU_OK;
}

static odpu_status set_class_names(odpu_dataset *ds, const char *const *names, int n, odpu_err *err)
{
    ds->class_names = calloc((size_t)n, sizeof *ds->class_names);
    if (!ds->class_names)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory for %d class names", n);
    ds->n_classes = n;
    for (int i = 0; i < n; i++)
        if (!(ds->class_names[i] = strdup(names[i])))
            return odpu_fail(err, ODPU_E_NOMEM, "out of memory for class names");
    return ODPU_OK;
}

/* ---- IDX files ---------------------------------------------------------------------------
 * Format (LeCun's MNIST page): bytes 0, 0, element type, number of dimensions, then one
 * big-endian uint32 per dimension, then the elements in row-major order. Read through zlib,
 * whose gzread passes plain (not gzipped) files through unchanged. */

typedef struct idx_file {
    gzFile f;
    const char *path;
    int ndims;
    uint32_t dims[IDX_IMAGE_DIMS_MAX];
} idx_file;

/* Read exactly n bytes; a short read is a truncated file, a zlib error a corrupt one. */
static odpu_status idx_read(idx_file *x, void *buf, size_t n, const char *what, odpu_err *err)
{
    uint8_t *p = buf;
    size_t done = 0;
    while (done < n) {
        size_t want = n - done < GZ_SLICE ? n - done : GZ_SLICE;
        int got = gzread(x->f, p + done, (unsigned)want);
        if (got < 0) {
            int zcode;
            const char *zmsg = gzerror(x->f, &zcode);
            return odpu_fail(err, ODPU_E_FORMAT, "%s: corrupt gzip data while reading %s: %s", x->path,
                             what, zmsg);
        }
        if (got == 0)
            return odpu_fail(err, ODPU_E_FORMAT, "%s: truncated in %s after %zu of %zu bytes", x->path,
                             what, done, n);
        done += (size_t)got;
    }
    return ODPU_OK;
}

static odpu_status idx_open(const char *path, int min_dims, int max_dims, idx_file *x, odpu_err *err)
{
    memset(x, 0, sizeof *x);
    x->path = path;
    errno = 0;
    x->f = gzopen(path, "rb");
    if (!x->f)
        return odpu_fail(err, ODPU_E_IO, "%s: cannot open: %s", path,
                         errno ? strerror(errno) : "out of memory");
    uint8_t head[IDX_HEADER_BYTES];
    odpu_status st = idx_read(x, head, sizeof head, "the IDX header", err);
    if (st != ODPU_OK)
        return st;
    if (head[0] != 0 || head[1] != 0)
        return odpu_fail(err, ODPU_E_FORMAT,
                         "%s: not an IDX file (starts with bytes 0x%02x 0x%02x, expected 0x00 0x00)",
                         path, head[0], head[1]);
    if (head[2] != IDX_TYPE_UBYTE)
        return odpu_fail(err, ODPU_E_FORMAT,
                         "%s: IDX element type 0x%02x is not unsigned byte (0x%02x)", path, head[2],
                         IDX_TYPE_UBYTE);
    x->ndims = head[3];
    if (x->ndims < min_dims || x->ndims > max_dims) {
        if (min_dims == max_dims)
            return odpu_fail(err, ODPU_E_FORMAT, "%s: IDX file has %d dimensions, expected %d", path,
                             x->ndims, min_dims);
        return odpu_fail(err, ODPU_E_FORMAT, "%s: IDX file has %d dimensions, expected %d to %d", path,
                         x->ndims, min_dims, max_dims);
    }
    for (int d = 0; d < x->ndims; d++) {
        uint8_t b[4];
        st = idx_read(x, b, sizeof b, "the IDX dimensions", err);
        if (st != ODPU_OK)
            return st;
        x->dims[d] = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    }
    return ODPU_OK;
}

static void idx_close(idx_file *x)
{
    if (x->f)
        gzclose(x->f);
    x->f = NULL;
}

/* After the declared items: anything more means the header and the data disagree. */
static odpu_status idx_expect_end(idx_file *x, uint32_t count, const char *items, odpu_err *err)
{
    uint8_t extra;
    int got = gzread(x->f, &extra, 1);
    if (got > 0)
        return odpu_fail(err, ODPU_E_FORMAT, "%s: data continues after the %u %s the header declares",
                         x->path, count, items);
    if (got < 0) {
        int zcode;
        return odpu_fail(err, ODPU_E_FORMAT, "%s: corrupt gzip data at the end: %s", x->path,
                         gzerror(x->f, &zcode));
    }
    return ODPU_OK;
}

/* Image geometry from the header: count, h, w, c, each in range. */
static odpu_status idx_image_shape(const idx_file *x, int *h, int *w, int *c, odpu_err *err)
{
    *h = (int)(x->dims[1] < IMAGE_SIDE_MAX + 1u ? x->dims[1] : 0);
    *w = (int)(x->dims[2] < IMAGE_SIDE_MAX + 1u ? x->dims[2] : 0);
    uint32_t ch = x->ndims == IDX_IMAGE_DIMS_MAX ? x->dims[3] : 1;
    if (*h == 0 || *w == 0)
        return odpu_fail(err, ODPU_E_FORMAT, "%s: image size %ux%u is not in [1, %d]", x->path, x->dims[1],
                         x->dims[2], IMAGE_SIDE_MAX);
    if (ch == 0 || ch > IMAGE_CHANNELS_MAX)
        return odpu_fail(err, ODPU_E_FORMAT, "%s: %u channels per pixel, expected 1 to %d", x->path, ch,
                         IMAGE_CHANNELS_MAX);
    *c = (int)ch;
    return ODPU_OK;
}

/* Read the labels (all of them when limit is 0) and give each its range check later. */
static odpu_status idx_read_labels(idx_file *lx, int keep, uint8_t *labels, odpu_err *err)
{
    return idx_read(lx, labels, (size_t)keep, "the labels", err);
}

typedef struct idx_spec {
    const char *images, *labels;
    const char *const *class_names; /* NULL: classes are 0..max(label), named by number */
    int n_classes;
} idx_spec;

static odpu_status check_counts(const idx_file *ix, const idx_file *lx, int limit, int *keep,
                                odpu_err *err)
{
    if (ix->dims[0] != lx->dims[0])
        return odpu_fail(err, ODPU_E_MISMATCH, "%s holds %u images but %s holds %u labels", ix->path,
                         ix->dims[0], lx->path, lx->dims[0]);
    if (ix->dims[0] == 0)
        return odpu_fail(err, ODPU_E_FORMAT, "%s: holds no images", ix->path);
    if (ix->dims[0] > INT_MAX)
        return odpu_fail(err, ODPU_E_FORMAT, "%s: %u images is more than this tool handles", ix->path,
                         ix->dims[0]);
    if (limit > 0 && (uint32_t)limit > ix->dims[0])
        return odpu_fail(err, ODPU_E_ARG, "@%d asks for more images than the %u in %s", limit,
                         ix->dims[0], ix->path);
    *keep = limit > 0 ? limit : (int)ix->dims[0];
    return ODPU_OK;
}

static odpu_status label_classes(odpu_dataset *ds, const idx_spec *spec, const char *labels_path,
                                 const uint8_t *raw, odpu_err *err)
{
    int max_label = 0;
    for (int i = 0; i < ds->count; i++) {
        if (spec->class_names && raw[i] >= spec->n_classes)
            return odpu_fail(err, ODPU_E_FORMAT, "%s: label %u of item %d is out of range [0, %d]",
                             labels_path, raw[i], i, spec->n_classes - 1);
        ds->labels[i] = raw[i];
        if (raw[i] > max_label)
            max_label = raw[i];
    }
    if (spec->class_names)
        return set_class_names(ds, spec->class_names, spec->n_classes, err);
    /* Generic set: classes 0..max, named by their number. */
    char names[UINT8_MAX + 1][CLASS_NAME_MAX];
    const char *ptrs[UINT8_MAX + 1];
    for (int k = 0; k <= max_label; k++) {
        snprintf(names[k], sizeof names[k], "%d", k);
        ptrs[k] = names[k];
    }
    return set_class_names(ds, ptrs, max_label + 1, err);
}

static odpu_status idx_load_pair(const idx_spec *spec, int limit, idx_file *ix, idx_file *lx,
                                 odpu_dataset *ds, odpu_err *err)
{
    odpu_status st = idx_open(spec->images, IDX_IMAGE_DIMS_MIN, IDX_IMAGE_DIMS_MAX, ix, err);
    if (st == ODPU_OK)
        st = idx_open(spec->labels, IDX_LABEL_DIMS, IDX_LABEL_DIMS, lx, err);
    int h = 0, w = 0, c = 0, keep = 0;
    if (st == ODPU_OK)
        st = idx_image_shape(ix, &h, &w, &c, err);
    if (st == ODPU_OK)
        st = check_counts(ix, lx, limit, &keep, err);
    if (st != ODPU_OK)
        return st;
    size_t image_bytes = (size_t)h * (size_t)w * (size_t)c;
    if ((size_t)keep > DATASET_BYTES_MAX / image_bytes)
        return odpu_fail(err, ODPU_E_FORMAT, "%s: %d images of %zu bytes exceed the %zu-byte limit",
                         ix->path, keep, image_bytes, DATASET_BYTES_MAX);
    st = alloc_images(ds, keep, err);
    if (st != ODPU_OK)
        return st;
    ds->pixel_block = malloc((size_t)keep * image_bytes);
    uint8_t *raw_labels = malloc((size_t)keep);
    if (!ds->pixel_block || !raw_labels) {
        free(raw_labels);
        return odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory for %d images", ix->path, keep);
    }
    st = idx_read(ix, ds->pixel_block, (size_t)keep * image_bytes, "the image data", err);
    if (st == ODPU_OK)
        st = idx_read_labels(lx, keep, raw_labels, err);
    /* Only a whole file can be checked for trailing data; @N reads a prefix. */
    if (st == ODPU_OK && (uint32_t)keep == ix->dims[0]) {
        st = idx_expect_end(ix, ix->dims[0], "images", err);
        if (st == ODPU_OK)
            st = idx_expect_end(lx, lx->dims[0], "labels", err);
    }
    if (st == ODPU_OK)
        st = label_classes(ds, spec, lx->path, raw_labels, err);
    free(raw_labels);
    if (st != ODPU_OK)
        return st;
    for (int i = 0; i < keep; i++) {
        ds->pixels[i] = ds->pixel_block + (size_t)i * image_bytes;
        ds->heights[i] = h;
        ds->widths[i] = w;
        ds->channels[i] = c;
    }
    return ODPU_OK;
}

static odpu_status open_idx(const idx_spec *spec, int limit, odpu_dataset *ds, odpu_err *err)
{
    idx_file ix, lx;
    memset(&lx, 0, sizeof lx);
    odpu_status st = idx_load_pair(spec, limit, &ix, &lx, ds, err);
    idx_close(&ix);
    idx_close(&lx);
    return st;
}

/* ---- Image files ---------------------------------------------------------------------- */

odpu_status odpu_image_load(const char *path, uint8_t **pixels, int *h, int *w, int *c, odpu_err *err)
{
    *pixels = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return odpu_fail(err, ODPU_E_IO, "%s: cannot open: %s", path, strerror(errno));
    int iw = 0, ih = 0, ic = 0;
    uint8_t *px = NULL;
    /* Gray and gray+alpha files become 1 channel, everything else RGB; alpha is dropped. */
    if (stbi_info_from_file(f, &iw, &ih, &ic))
        px = stbi_load_from_file(f, &iw, &ih, &ic, ic <= 2 ? 1 : 3);
    fclose(f);
    if (!px)
        return odpu_fail(err, ODPU_E_FORMAT, "%s: not a readable PNG or JPEG image: %s", path,
                         stbi_failure_reason());
    if (iw > IMAGE_SIDE_MAX || ih > IMAGE_SIDE_MAX) {
        stbi_image_free(px);
        return odpu_fail(err, ODPU_E_FORMAT, "%s: %dx%d pixels, more than %d on a side", path, iw, ih,
                         IMAGE_SIDE_MAX);
    }
    *pixels = px;
    *h = ih;
    *w = iw;
    *c = ic <= 2 ? 1 : 3;
    return ODPU_OK;
}

void odpu_image_free(uint8_t *pixels)
{
    stbi_image_free(pixels);
}

/* ---- Folder sets ------------------------------------------------------------------------- */

static int is_image_name(const char *name)
{
    static const char *const exts[] = {".png", ".jpg", ".jpeg"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && !strcasecmp(name + n - e, exts[i]))
            return 1;
    }
    return 0;
}

typedef enum entry_kind { ENTRY_DIRS, ENTRY_IMAGES } entry_kind;

static odpu_status join_path(const char *dir, const char *name, char *out, odpu_err *err)
{
    int n = snprintf(out, PATH_LEN_MAX, "%s/%s", dir, name);
    if (n < 0 || n >= PATH_LEN_MAX)
        return odpu_fail(err, ODPU_E_ARG, "%s/%s: path longer than %d bytes", dir, name, PATH_LEN_MAX - 1);
    return ODPU_OK;
}

/* Entries of dir that are folders (ENTRY_DIRS) or image files (ENTRY_IMAGES), sorted by name.
 * Hidden entries (".name") are skipped. */
static odpu_status list_dir(const char *dir, entry_kind kind, char ***names, int *n, odpu_err *err)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return odpu_fail(err, ODPU_E_IO, "%s: cannot read folder: %s", dir, strerror(errno));
    int cap = 0;
    odpu_status st = ODPU_OK;
    const struct dirent *e;
    char path[PATH_LEN_MAX];
    while (st == ODPU_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if ((st = join_path(dir, e->d_name, path, err)) != ODPU_OK)
            break;
        struct stat sb;
        if (stat(path, &sb) != 0) {
            st = odpu_fail(err, ODPU_E_IO, "%s: cannot stat: %s", path, strerror(errno));
            break;
        }
        int want = kind == ENTRY_DIRS ? S_ISDIR(sb.st_mode) : S_ISREG(sb.st_mode) && is_image_name(e->d_name);
        if (!want)
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 16;
            char **nv = realloc(*names, (size_t)cap * sizeof *nv);
            if (!nv) {
                st = odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory listing the folder", dir);
                break;
            }
            *names = nv;
        }
        if (!((*names)[*n] = strdup(e->d_name))) {
            st = odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory listing the folder", dir);
            break;
        }
        (*n)++;
    }
    closedir(d);
    if (st != ODPU_OK) {
        free_strings(*names, *n);
        *names = NULL;
        *n = 0;
        return st;
    }
    if (*n > 1)
        qsort(*names, (size_t)*n, sizeof **names, cmp_strings);
    return ODPU_OK;
}

/* Every class's sorted file list, so @N and the class count are known before decoding. */
typedef struct folder_listing {
    char **classes;
    int n_classes;
    char ***files; /* per class */
    int *n_files;
} folder_listing;

static void free_listing(folder_listing *fl)
{
    for (int k = 0; k < fl->n_classes && fl->files; k++)
        free_strings(fl->files[k], fl->n_files[k]);
    free(fl->files);
    free(fl->n_files);
    free_strings(fl->classes, fl->n_classes);
}

static odpu_status list_folder(const char *dir, folder_listing *fl, long *total, odpu_err *err)
{
    memset(fl, 0, sizeof *fl);
    *total = 0;
    odpu_status st = list_dir(dir, ENTRY_DIRS, &fl->classes, &fl->n_classes, err);
    if (st != ODPU_OK)
        return st;
    if (fl->n_classes == 0)
        return odpu_fail(err, ODPU_E_FORMAT, "%s: no class subfolders (expected one folder of images per class)",
                         dir);
    fl->files = calloc((size_t)fl->n_classes, sizeof *fl->files);
    fl->n_files = calloc((size_t)fl->n_classes, sizeof *fl->n_files);
    if (!fl->files || !fl->n_files)
        return odpu_fail(err, ODPU_E_NOMEM, "%s: out of memory", dir);
    char path[PATH_LEN_MAX];
    for (int k = 0; k < fl->n_classes; k++) {
        if ((st = join_path(dir, fl->classes[k], path, err)) != ODPU_OK)
            return st;
        if ((st = list_dir(path, ENTRY_IMAGES, &fl->files[k], &fl->n_files[k], err)) != ODPU_OK)
            return st;
        if (fl->n_files[k] == 0)
            return odpu_fail(err, ODPU_E_FORMAT, "%s: class folder has no PNG or JPEG images", path);
        *total += fl->n_files[k];
    }
    if (*total > INT_MAX)
        return odpu_fail(err, ODPU_E_FORMAT, "%s: %ld images is more than this tool handles", dir, *total);
    return ODPU_OK;
}

static odpu_status load_folder_images(const char *dir, const folder_listing *fl, int keep, odpu_dataset *ds,
                                      odpu_err *err)
{
    char class_dir[PATH_LEN_MAX], path[PATH_LEN_MAX];
    size_t bytes = 0;
    int i = 0;
    for (int k = 0; k < fl->n_classes && i < keep; k++) {
        odpu_status st = join_path(dir, fl->classes[k], class_dir, err);
        for (int j = 0; st == ODPU_OK && j < fl->n_files[k] && i < keep; j++, i++) {
            st = join_path(class_dir, fl->files[k][j], path, err);
            if (st == ODPU_OK)
                st = odpu_image_load(path, &ds->pixels[i], &ds->heights[i], &ds->widths[i],
                                     &ds->channels[i], err);
            ds->labels[i] = k;
            bytes += (size_t)ds->heights[i] * (size_t)ds->widths[i] * (size_t)ds->channels[i];
            if (st == ODPU_OK && bytes > DATASET_BYTES_MAX)
                st = odpu_fail(err, ODPU_E_FORMAT, "%s: images exceed the %zu-byte limit at %s", dir,
                               DATASET_BYTES_MAX, path);
        }
        if (st != ODPU_OK)
            return st;
    }
    return ODPU_OK;
}

static odpu_status open_folder(const char *dir, int limit, odpu_dataset *ds, odpu_err *err)
{
    folder_listing fl;
    long total = 0;
    odpu_status st = list_folder(dir, &fl, &total, err);
    if (st == ODPU_OK && limit > total)
        st = odpu_fail(err, ODPU_E_ARG, "@%d asks for more images than the %ld in %s", limit, total, dir);
    if (st == ODPU_OK)
        st = alloc_images(ds, limit > 0 ? limit : (int)total, err);
    if (st == ODPU_OK)
        st = set_class_names(ds, (const char *const *)fl.classes, fl.n_classes, err);
    if (st == ODPU_OK)
        st = load_folder_images(dir, &fl, ds->count, ds, err);
    free_listing(&fl);
    return st;
}

/* ---- Specs --------------------------------------------------------------------------------- */

/* "BASE@N" -> base (malloc'ed) and N; a spec without a numeric suffix has limit 0 (all). */
static odpu_status split_limit(const char *spec, char **base, int *limit, odpu_err *err)
{
    *limit = 0;
    const char *at = strrchr(spec, '@');
    size_t base_len = strlen(spec);
    if (at && at[1] && strspn(at + 1, "0123456789") == strlen(at + 1)) {
        errno = 0;
        long n = strtol(at + 1, NULL, 10);
        if (n <= 0 || n > INT_MAX || errno)
            return odpu_fail(err, ODPU_E_ARG, "%s: '@%s' must keep between 1 and %d images", spec, at + 1,
                             INT_MAX);
        *limit = (int)n;
        base_len = (size_t)(at - spec);
    }
    *base = malloc(base_len + 1);
    if (!*base)
        return odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    memcpy(*base, spec, base_len);
    (*base)[base_len] = '\0';
    return ODPU_OK;
}

static odpu_status open_fashion_mnist(const char *split, int limit, odpu_dataset *ds, odpu_err *err)
{
    const char *prefix;
    if (!strcmp(split, "train"))
        prefix = "train";
    else if (!strcmp(split, "test"))
        prefix = "t10k";
    else
        return odpu_fail(err, ODPU_E_ARG, "fashion-mnist:%s: unknown split (expected train or test)", split);
    const char *dir = getenv(FASHION_MNIST_DIR_ENV);
    if (!dir || !*dir)
        dir = FASHION_MNIST_DIR;
    char images[PATH_LEN_MAX], labels[PATH_LEN_MAX];
    int ni = snprintf(images, sizeof images, "%s/%s-images-idx3-ubyte.gz", dir, prefix);
    int nl = snprintf(labels, sizeof labels, "%s/%s-labels-idx1-ubyte.gz", dir, prefix);
    if (ni < 0 || nl < 0 || (size_t)ni >= sizeof images || (size_t)nl >= sizeof labels)
        return odpu_fail(err, ODPU_E_ARG, "%s: folder name too long", dir);
    idx_spec spec = {images, labels, fashion_mnist_classes, FASHION_MNIST_CLASSES};
    return open_idx(&spec, limit, ds, err);
}

static odpu_status open_idx_spec(const char *files, int limit, odpu_dataset *ds, odpu_err *err)
{
    const char *comma = strchr(files, ',');
    if (!comma || comma == files || !comma[1] || strchr(comma + 1, ','))
        return odpu_fail(err, ODPU_E_ARG, "idx:%s: expected idx:IMAGES,LABELS (two file names)", files);
    char images[PATH_LEN_MAX];
    size_t n = (size_t)(comma - files);
    if (n >= sizeof images)
        return odpu_fail(err, ODPU_E_ARG, "idx:%s: file name too long", files);
    memcpy(images, files, n);
    images[n] = '\0';
    idx_spec spec = {images, comma + 1, NULL, 0};
    return open_idx(&spec, limit, ds, err);
}

static odpu_status open_base(const char *base, int limit, odpu_dataset *ds, odpu_err *err)
{
    static const char fm[] = "fashion-mnist:", idx[] = "idx:";
    if (!strncmp(base, fm, sizeof fm - 1))
        return open_fashion_mnist(base + sizeof fm - 1, limit, ds, err);
    if (!strncmp(base, idx, sizeof idx - 1))
        return open_idx_spec(base + sizeof idx - 1, limit, ds, err);
    struct stat sb;
    const char *why = NULL;
    if (stat(base, &sb) != 0)
        why = strerror(errno);
    else if (!S_ISDIR(sb.st_mode))
        why = "not a folder";
    if (why)
        return odpu_fail(err, ODPU_E_ARG,
                         "'%s' is not a dataset (%s): expected fashion-mnist:train|test, "
                         "idx:IMAGES,LABELS or a folder with one subfolder of images per class",
                         base, why);
    return open_folder(base, limit, ds, err);
}

odpu_status odpu_dataset_open(const char *spec, odpu_dataset *ds, odpu_err *err)
{
    memset(ds, 0, sizeof *ds);
    if (!spec || !*spec)
        return odpu_fail(err, ODPU_E_ARG, "empty dataset spec");
    char *base = NULL;
    int limit = 0;
    odpu_status st = split_limit(spec, &base, &limit, err);
    if (st == ODPU_OK)
        st = open_base(base, limit, ds, err);
    free(base);
    if (st == ODPU_OK && !(ds->source = strdup(spec)))
        st = odpu_fail(err, ODPU_E_NOMEM, "out of memory");
    if (st != ODPU_OK)
        odpu_dataset_free(ds);
    return st;
}

void odpu_dataset_free(odpu_dataset *ds)
{
    if (!ds)
        return;
    if (ds->pixel_block)
        free(ds->pixel_block);
    else if (ds->pixels)
        for (int i = 0; i < ds->count; i++)
            stbi_image_free(ds->pixels[i]);
    free(ds->pixels);
    free(ds->labels);
    free(ds->heights);
    free(ds->widths);
    free(ds->channels);
    free_strings(ds->class_names, ds->n_classes);
    free(ds->source);
    memset(ds, 0, sizeof *ds);
}
