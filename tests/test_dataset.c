/* test_dataset.c - odpu_dataset_open: IDX pairs (plain and gzip) written by the test, every
 * class of corruption, the real Fashion-MNIST test set checked against an independent read,
 * image folders of PNG/JPEG files written with stb_image_write, "@N", and bad specs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "data/dataset.h"
#include "tests/testutil.h"

/* The writer is third-party code compiled into this test only (libstb-dev, header-only).
 * Only its PNG writer is used: the JPEG writer shifts negative ints, which UBSan stops on;
 * JPEG fixtures come from tests/data/dataset/make_fixtures.py instead. */
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#define FM_DIR "/usr/share/datasets/fashion-mnist"
#define FIXTURES "tests/data/dataset"

enum {
    IMG_H = 3, IMG_W = 4, N_IMAGES = 5,
    IDX_UBYTE = 0x08, IDX_FLOAT = 0x0D,
    FM_TEST_COUNT = 10000, FM_SIDE = 28, FM_CLASSES = 10,
    IDX_IMAGES_HEADER = 16, IDX_LABELS_HEADER = 8,
    JPEG_TOLERANCE = 12, /* levels a quality-95 JPEG may move a smooth ramp's pixels */
    PATH_LEN = 512,
};

static char tmpdir[PATH_LEN / 2];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/odpu_test_dataset_XXXXXX");
    ck_assert(mkdtemp(tmpdir) != NULL);
}

static void remove_tree(const char *dir)
{
    char cmd[PATH_LEN + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *tmp_path(const char *name)
{
    static char paths[8][PATH_LEN];
    static int next;
    char *p = paths[next++ % 8];
    int n = snprintf(p, PATH_LEN, "%s/%s", tmpdir, name);
    ck_assert(n > 0 && n < PATH_LEN);
    return p;
}

/* ---- IDX writers ------------------------------------------------------------------------- */

typedef struct idx_desc {
    uint8_t zero0, zero1, type, ndims;
    uint32_t dims[4];
    int n_dims_written;       /* how many dimension words to write (truncation tests) */
    const uint8_t *data;
    size_t data_len;
} idx_desc;

static size_t idx_bytes(const idx_desc *d, uint8_t *out)
{
    size_t n = 0;
    out[n++] = d->zero0;
    out[n++] = d->zero1;
    out[n++] = d->type;
    out[n++] = d->ndims;
    for (int i = 0; i < d->n_dims_written; i++) {
        out[n++] = (uint8_t)(d->dims[i] >> 24);
        out[n++] = (uint8_t)(d->dims[i] >> 16);
        out[n++] = (uint8_t)(d->dims[i] >> 8);
        out[n++] = (uint8_t)d->dims[i];
    }
    if (d->data_len)
        memcpy(out + n, d->data, d->data_len);
    return n + d->data_len;
}

static void write_file(const char *path, const uint8_t *bytes, size_t n, int gz)
{
    if (gz) {
        gzFile f = gzopen(path, "wb");
        ck_assert(f != NULL);
        ck_assert_int_eq(gzwrite(f, bytes, (unsigned)n), (int)n);
        ck_assert_int_eq(gzclose(f), Z_OK);
    } else {
        FILE *f = fopen(path, "wb");
        ck_assert(f != NULL);
        ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
        ck_assert_int_eq(fclose(f), 0);
    }
}

static void write_idx(const char *path, const idx_desc *d, int gz)
{
    uint8_t buf[4096];
    ck_assert_uint_le(16 + d->data_len, sizeof buf);
    write_file(path, buf, idx_bytes(d, buf), gz);
}

static uint8_t pixels5[N_IMAGES * IMG_H * IMG_W];
static const uint8_t labels5[N_IMAGES] = {0, 2, 1, 2, 0};

static idx_desc good_images(void)
{
    for (size_t i = 0; i < sizeof pixels5; i++)
        pixels5[i] = (uint8_t)(i * 7 + 3);
    return (idx_desc){0, 0, IDX_UBYTE, 3, {N_IMAGES, IMG_H, IMG_W, 0}, 3, pixels5, sizeof pixels5};
}

static idx_desc good_labels(void)
{
    return (idx_desc){0, 0, IDX_UBYTE, 1, {N_IMAGES, 0, 0, 0}, 1, labels5, sizeof labels5};
}

/* Write a pair (images.idx, labels.idx), return the spec. */
static const char *write_pair(const idx_desc *im, const idx_desc *lb, int gz)
{
    static char spec[3 * PATH_LEN];
    const char *ip = tmp_path(gz ? "images.idx.gz" : "images.idx");
    const char *lp = tmp_path(gz ? "labels.idx.gz" : "labels.idx");
    write_idx(ip, im, gz);
    write_idx(lp, lb, gz);
    snprintf(spec, sizeof spec, "idx:%s,%s", ip, lp);
    return spec;
}

static void open_ok(const char *spec, odpu_dataset *ds)
{
    odpu_err err;
    odpu_err_clear(&err);
    ck_assert_msg(odpu_dataset_open(spec, ds, &err) == ODPU_OK, "%s: %s", spec, err.msg);
}

/* The open fails with code, and the message contains every given fragment. */
static void open_fails(const char *spec, odpu_status code, const char *frag1, const char *frag2)
{
    odpu_dataset ds;
    odpu_err err;
    odpu_err_clear(&err);
    odpu_status st = odpu_dataset_open(spec, &ds, &err);
    ck_assert_msg(st == code, "%s: status %s, expected %s (%s)", spec, odpu_status_name(st),
                  odpu_status_name(code), err.msg);
    ck_assert_msg(!frag1 || strstr(err.msg, frag1), "%s: message '%s' lacks '%s'", spec, err.msg, frag1);
    ck_assert_msg(!frag2 || strstr(err.msg, frag2), "%s: message '%s' lacks '%s'", spec, err.msg, frag2);
    ck_assert_int_eq(ds.count, 0);
    ck_assert_ptr_null(ds.pixels);
}

static void check_small_set(const odpu_dataset *ds, int count)
{
    ck_assert_int_eq(ds->count, count);
    ck_assert_int_eq(ds->n_classes, 3);
    ck_assert_str_eq(ds->class_names[0], "0");
    ck_assert_str_eq(ds->class_names[2], "2");
    for (int i = 0; i < count; i++) {
        ck_assert_int_eq(ds->labels[i], labels5[i]);
        ck_assert_int_eq(ds->heights[i], IMG_H);
        ck_assert_int_eq(ds->widths[i], IMG_W);
        ck_assert_int_eq(ds->channels[i], 1);
        ck_assert_mem_eq(ds->pixels[i], pixels5 + (size_t)i * IMG_H * IMG_W, IMG_H * IMG_W);
    }
}

/* ---- IDX: good files --------------------------------------------------------------------- */

START_TEST(test_idx_plain_and_gzip)
{
    make_tmpdir();
    idx_desc im = good_images(), lb = good_labels();
    for (int gz = 0; gz <= 1; gz++) {
        odpu_dataset ds;
        const char *spec = write_pair(&im, &lb, gz);
        open_ok(spec, &ds);
        check_small_set(&ds, N_IMAGES);
        ck_assert_str_eq(ds.source, spec);
        odpu_dataset_free(&ds);
        ck_assert_ptr_null(ds.pixels);
    }
    remove_tree(tmpdir);
}
END_TEST

START_TEST(test_idx_limit)
{
    make_tmpdir();
    idx_desc im = good_images(), lb = good_labels();
    char spec[3 * PATH_LEN + 8];
    snprintf(spec, sizeof spec, "%s@2", write_pair(&im, &lb, 1));
    odpu_dataset ds;
    open_ok(spec, &ds);
    check_small_set(&ds, 2);
    odpu_dataset_free(&ds);
    snprintf(spec, sizeof spec, "%s@6", write_pair(&im, &lb, 0));
    open_fails(spec, ODPU_E_ARG, "@6", "5");
    snprintf(spec, sizeof spec, "%s@0", write_pair(&im, &lb, 0));
    open_fails(spec, ODPU_E_ARG, "@0", NULL);
    snprintf(spec, sizeof spec, "%s@99999999999", write_pair(&im, &lb, 0));
    open_fails(spec, ODPU_E_ARG, "@99999999999", NULL);
    remove_tree(tmpdir);
}
END_TEST

/* A 4-dimensional image file holds HWC pixels. */
START_TEST(test_idx_hwc)
{
    make_tmpdir();
    uint8_t px[2 * 2 * 2 * 3];
    for (size_t i = 0; i < sizeof px; i++)
        px[i] = (uint8_t)(200 - i);
    const uint8_t lab[2] = {1, 0};
    idx_desc im = {0, 0, IDX_UBYTE, 4, {2, 2, 2, 3}, 4, px, sizeof px};
    idx_desc lb = {0, 0, IDX_UBYTE, 1, {2, 0, 0, 0}, 1, lab, sizeof lab};
    odpu_dataset ds;
    open_ok(write_pair(&im, &lb, 0), &ds);
    ck_assert_int_eq(ds.count, 2);
    ck_assert_int_eq(ds.channels[1], 3);
    ck_assert_int_eq(ds.n_classes, 2);
    ck_assert_mem_eq(ds.pixels[1], px + 12, 12);
    odpu_dataset_free(&ds);
    remove_tree(tmpdir);
}
END_TEST

/* ---- IDX: every corruption ---------------------------------------------------------------- */

START_TEST(test_idx_corruptions)
{
    make_tmpdir();
    idx_desc im, lb;
#define RESET() (im = good_images(), lb = good_labels())
    RESET();
    im.zero0 = 0x1f;
    open_fails(write_pair(&im, &lb, 1), ODPU_E_FORMAT, "images.idx.gz", "not an IDX file");
    RESET();
    lb.type = IDX_FLOAT;
    open_fails(write_pair(&im, &lb, 0), ODPU_E_FORMAT, "labels.idx", "element type 0x0d");
    RESET();
    im.ndims = 2;
    im.n_dims_written = 2;
    open_fails(write_pair(&im, &lb, 0), ODPU_E_FORMAT, "images.idx", "2 dimensions");
    RESET();
    lb.ndims = 2;
    lb.n_dims_written = 2;
    open_fails(write_pair(&im, &lb, 0), ODPU_E_FORMAT, "labels.idx", "2 dimensions");
    RESET();
    lb.dims[0] = 4;
    lb.data_len = 4;
    open_fails(write_pair(&im, &lb, 0), ODPU_E_MISMATCH, "5 images", "4 labels");
    RESET();
    im.dims[0] = lb.dims[0] = 0;
    im.data_len = lb.data_len = 0;
    open_fails(write_pair(&im, &lb, 0), ODPU_E_FORMAT, "images.idx", "no images");
    RESET();
    im.dims[1] = 0;
    open_fails(write_pair(&im, &lb, 0), ODPU_E_FORMAT, "images.idx", "image size 0x4");
    RESET();
    im.ndims = 4;
    im.n_dims_written = 4;
    im.dims[3] = 7;
    open_fails(write_pair(&im, &lb, 0), ODPU_E_FORMAT, "images.idx", "7 channels");
    /* Truncations: header, dimensions, pixels, labels. */
    RESET();
    im.n_dims_written = 0;
    im.data_len = 0;
    open_fails(write_pair(&im, &lb, 1), ODPU_E_FORMAT, "images.idx.gz", "truncated in the IDX dimensions");
    RESET();
    im.data_len -= 5;
    open_fails(write_pair(&im, &lb, 1), ODPU_E_FORMAT, "images.idx.gz", "truncated in the image data");
    RESET();
    lb.data_len = 3;
    open_fails(write_pair(&im, &lb, 0), ODPU_E_FORMAT, "labels.idx", "truncated in the labels after 3 of 5 bytes");
    RESET();
    lb.n_dims_written = 0;
    lb.data_len = 0;
    lb.ndims = 1;
    {
        /* Only two bytes of header. */
        const char *lp = tmp_path("short.idx");
        write_file(lp, (const uint8_t[]){0, 0}, 2, 0);
        char spec[3 * PATH_LEN];
        idx_desc im2 = good_images();
        const char *ip = tmp_path("im2.idx");
        write_idx(ip, &im2, 0);
        snprintf(spec, sizeof spec, "idx:%s,%s", ip, lp);
        open_fails(spec, ODPU_E_FORMAT, "short.idx", "truncated in the IDX header after 2 of 4 bytes");
    }
    /* Trailing data after the declared items. */
    RESET();
    im.dims[0] = lb.dims[0] = 4;
    lb.data_len = 4;
    open_fails(write_pair(&im, &lb, 0), ODPU_E_FORMAT, "images.idx", "continues after the 4 images");
#undef RESET
    remove_tree(tmpdir);
}
END_TEST

/* A gzip stream with flipped bytes, and one cut in half: corrupt data, not a crash. */
START_TEST(test_idx_corrupt_gzip)
{
    make_tmpdir();
    idx_desc im = good_images(), lb = good_labels();
    const char *spec = write_pair(&im, &lb, 1);
    const char *ip = tmp_path("images.idx.gz");
    FILE *f = fopen(ip, "rb");
    ck_assert(f != NULL);
    uint8_t buf[4096];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    ck_assert_uint_gt(n, 30);
    uint8_t bad[4096];
    memcpy(bad, buf, n);
    for (size_t i = 12; i < n - 8; i += 3)
        bad[i] ^= 0x5a;
    write_file(ip, bad, n, 0);
    open_fails(spec, ODPU_E_FORMAT, "images.idx.gz", NULL);
    write_file(ip, buf, n / 2, 0);
    open_fails(spec, ODPU_E_FORMAT, "images.idx.gz", NULL);
    /* Trailing CRC/length damaged only: zlib reports the check failure at the end. */
    memcpy(bad, buf, n);
    bad[n - 6] ^= 0xff;
    write_file(ip, bad, n, 0);
    open_fails(spec, ODPU_E_FORMAT, "images.idx.gz", NULL);
    remove_tree(tmpdir);
}
END_TEST

START_TEST(test_idx_missing_file)
{
    open_fails("idx:/nonexistent/im.gz,/nonexistent/lb.gz", ODPU_E_IO, "/nonexistent/im.gz", "cannot open");
}
END_TEST

/* A fake Fashion-MNIST folder ($ODPU_FASHION_MNIST_DIR): the label range check of a set
 * with known classes, and the split names. */
START_TEST(test_fashion_mnist_label_range)
{
    make_tmpdir();
    uint8_t px[2 * 28 * 28] = {0};
    const uint8_t lab[2] = {9, 10};
    idx_desc im = {0, 0, IDX_UBYTE, 3, {2, 28, 28, 0}, 3, px, sizeof px};
    idx_desc lb = {0, 0, IDX_UBYTE, 1, {2, 0, 0, 0}, 1, lab, sizeof lab};
    write_idx(tmp_path("t10k-images-idx3-ubyte.gz"), &im, 1);
    write_idx(tmp_path("t10k-labels-idx1-ubyte.gz"), &lb, 1);
    ck_assert_int_eq(setenv("ODPU_FASHION_MNIST_DIR", tmpdir, 1), 0);
    open_fails("fashion-mnist:test", ODPU_E_FORMAT, "t10k-labels-idx1-ubyte.gz", "label 10 of item 1");
    odpu_dataset ds;
    open_ok("fashion-mnist:test@1", &ds); /* the bad label is not among the kept images */
    ck_assert_int_eq(ds.labels[0], 9);
    ck_assert_str_eq(ds.class_names[9], "Ankle boot");
    odpu_dataset_free(&ds);
    open_fails("fashion-mnist:train", ODPU_E_IO, "train-images-idx3-ubyte.gz", NULL);
    ck_assert_int_eq(unsetenv("ODPU_FASHION_MNIST_DIR"), 0);
    remove_tree(tmpdir);
}
END_TEST

/* ---- The real Fashion-MNIST ------------------------------------------------------------- */

/* n bytes at offset of a gzip file, read with zlib directly (not through the loader). */
static void gz_bytes(const char *path, size_t offset, uint8_t *out, size_t n)
{
    gzFile f = gzopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s (is dataset-fashion-mnist installed?)", path);
    ck_assert_int_eq(gzseek(f, (z_off_t)offset, SEEK_SET), (z_off_t)offset);
    ck_assert_int_eq(gzread(f, out, (unsigned)n), (int)n);
    gzclose(f);
}

START_TEST(test_fashion_mnist_test_set)
{
    ck_assert_int_eq(unsetenv("ODPU_FASHION_MNIST_DIR"), 0);
    odpu_dataset ds;
    open_ok("fashion-mnist:test", &ds);
    ck_assert_int_eq(ds.count, FM_TEST_COUNT);
    ck_assert_int_eq(ds.n_classes, FM_CLASSES);
    ck_assert_str_eq(ds.class_names[0], "T-shirt/top");
    ck_assert_str_eq(ds.class_names[9], "Ankle boot");
    uint8_t first_labels[3], last_label, first_image[FM_SIDE * FM_SIDE], last_image[FM_SIDE * FM_SIDE];
    gz_bytes(FM_DIR "/t10k-labels-idx1-ubyte.gz", IDX_LABELS_HEADER, first_labels, 3);
    gz_bytes(FM_DIR "/t10k-labels-idx1-ubyte.gz", IDX_LABELS_HEADER + FM_TEST_COUNT - 1, &last_label, 1);
    gz_bytes(FM_DIR "/t10k-images-idx3-ubyte.gz", IDX_IMAGES_HEADER, first_image, sizeof first_image);
    gz_bytes(FM_DIR "/t10k-images-idx3-ubyte.gz",
             IDX_IMAGES_HEADER + (size_t)(FM_TEST_COUNT - 1) * FM_SIDE * FM_SIDE, last_image, sizeof last_image);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(ds.labels[i], first_labels[i]);
    ck_assert_int_eq(ds.labels[FM_TEST_COUNT - 1], last_label);
    ck_assert_int_eq(ds.heights[0], FM_SIDE);
    ck_assert_int_eq(ds.widths[FM_TEST_COUNT - 1], FM_SIDE);
    ck_assert_int_eq(ds.channels[0], 1);
    ck_assert_mem_eq(ds.pixels[0], first_image, sizeof first_image);
    ck_assert_mem_eq(ds.pixels[FM_TEST_COUNT - 1], last_image, sizeof last_image);
    /* Every class occurs: the test set is balanced (1000 each). */
    int per_class[FM_CLASSES] = {0};
    for (int i = 0; i < ds.count; i++)
        per_class[ds.labels[i]]++;
    for (int k = 0; k < FM_CLASSES; k++)
        ck_assert_int_eq(per_class[k], FM_TEST_COUNT / FM_CLASSES);
    /* The PNG fixture of the first test image (make_fixtures.py) holds the same pixels. */
    uint8_t *png;
    int h, w, c;
    odpu_err err;
    ck_assert_int_eq(odpu_image_load(FIXTURES "/fashion_test0_ankle_boot.png", &png, &h, &w, &c, &err), ODPU_OK);
    ck_assert_int_eq(h * w * c, FM_SIDE * FM_SIDE);
    ck_assert_mem_eq(png, ds.pixels[0], FM_SIDE * FM_SIDE);
    ck_assert_int_eq(ds.labels[0], FM_CLASSES - 1); /* Ankle boot, as the file name says */
    odpu_image_free(png);
    odpu_dataset_free(&ds);

    open_ok("fashion-mnist:train@300", &ds);
    ck_assert_int_eq(ds.count, 300);
    odpu_dataset_free(&ds);
}
END_TEST

/* ---- Image folders ------------------------------------------------------------------------ */

static void mkdir_ok(const char *path)
{
    ck_assert_msg(mkdir(path, 0700) == 0, "mkdir %s", path);
}

static void copy_file(const char *from, const char *to)
{
    uint8_t buf[1 << 16];
    FILE *f = fopen(from, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", from);
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    write_file(to, buf, n, 0);
}

static void write_png(const char *path, int w, int h, int c, const uint8_t *px)
{
    ck_assert_msg(stbi_write_png(path, w, h, c, px, w * c) != 0, "cannot write %s", path);
}

START_TEST(test_folder)
{
    make_tmpdir();
    /* Classes in byte order: "ant" < "cat" < "zebra"; "zebra" holds a JPEG. */
    mkdir_ok(tmp_path("cat"));
    mkdir_ok(tmp_path("ant"));
    mkdir_ok(tmp_path("zebra"));
    mkdir_ok(tmp_path(".hidden_class"));
    uint8_t gray[2 * 3], rgb[4 * 2 * 3], rgba[2 * 2 * 4], ga[3 * 1 * 2];
    for (size_t i = 0; i < sizeof gray; i++)
        gray[i] = (uint8_t)(i * 40);
    for (size_t i = 0; i < sizeof rgb; i++)
        rgb[i] = (uint8_t)(255 - i * 9);
    for (size_t i = 0; i < sizeof rgba; i++)
        rgba[i] = (uint8_t)(i * 15);
    for (size_t i = 0; i < sizeof ga; i++)
        ga[i] = (uint8_t)(i * 50);
    write_png(tmp_path("cat/b.png"), 3, 2, 1, gray);   /* gray 3 wide, 2 high */
    write_png(tmp_path("cat/a.PNG"), 2, 4, 3, rgb);    /* RGB, upper-case extension */
    write_png(tmp_path("ant/x.png"), 2, 2, 4, rgba);   /* RGBA -> RGB */
    write_png(tmp_path("ant/y.png"), 1, 3, 2, ga);     /* gray+alpha -> gray */
    write_file(tmp_path("ant/notes.txt"), (const uint8_t *)"skip me", 7, 0);
    write_file(tmp_path("ant/.hidden.png"), (const uint8_t *)"garbage", 7, 0);
    write_file(tmp_path("README"), (const uint8_t *)"top-level files are ignored", 27, 0);
    copy_file(FIXTURES "/ramp_rgb.jpg", tmp_path("zebra/z.jpg"));
    copy_file(FIXTURES "/ramp_gray.jpg", tmp_path("zebra/zz.JPEG"));

    odpu_dataset ds;
    open_ok(tmpdir, &ds);
    ck_assert_int_eq(ds.n_classes, 3);
    ck_assert_str_eq(ds.class_names[0], "ant");
    ck_assert_str_eq(ds.class_names[1], "cat");
    ck_assert_str_eq(ds.class_names[2], "zebra");
    ck_assert_int_eq(ds.count, 6);
    /* ant/x.png, ant/y.png, cat/a.PNG, cat/b.png, zebra/z.jpg, zebra/zz.JPEG
     * ("a.PNG" < "b.png" in bytes) */
    const int labels[] = {0, 0, 1, 1, 2, 2}, hs[] = {2, 3, 4, 2, 16, 8}, ws[] = {2, 1, 2, 3, 16, 16},
              cs[] = {3, 1, 3, 1, 3, 1};
    for (int i = 0; i < 6; i++) {
        ck_assert_int_eq(ds.labels[i], labels[i]);
        ck_assert_int_eq(ds.heights[i], hs[i]);
        ck_assert_int_eq(ds.widths[i], ws[i]);
        ck_assert_int_eq(ds.channels[i], cs[i]);
    }
    for (int i = 0; i < 4; i++) /* RGBA -> RGB drops alpha */
        ck_assert_mem_eq(ds.pixels[0] + 3 * i, rgba + 4 * i, 3);
    for (int i = 0; i < 3; i++) /* gray+alpha -> gray */
        ck_assert_int_eq(ds.pixels[1][i], ga[2 * i]);
    ck_assert_mem_eq(ds.pixels[2], rgb, sizeof rgb);
    ck_assert_mem_eq(ds.pixels[3], gray, sizeof gray);
    /* The fixtures' ramps (make_fixtures.py), within JPEG's error. */
    for (int y = 0; y < 16; y++)
        for (int x = 0; x < 16; x++) {
            const uint8_t *px = ds.pixels[4] + (y * 16 + x) * 3;
            ck_assert_int_le(abs(px[0] - x * 16), JPEG_TOLERANCE);
            ck_assert_int_le(abs(px[1] - y * 16), JPEG_TOLERANCE);
            ck_assert_int_le(abs(px[2] - 128), JPEG_TOLERANCE);
        }
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 16; x++)
            ck_assert_int_le(abs(ds.pixels[5][y * 16 + x] - (x * 8 + y * 8)), JPEG_TOLERANCE);
    odpu_dataset_free(&ds);

    /* @N keeps the first N in that order but every class stays known. */
    char spec[PATH_LEN + 8];
    snprintf(spec, sizeof spec, "%s@3", tmpdir);
    open_ok(spec, &ds);
    ck_assert_int_eq(ds.count, 3);
    ck_assert_int_eq(ds.n_classes, 3);
    ck_assert_int_eq(ds.labels[2], 1);
    odpu_dataset_free(&ds);
    snprintf(spec, sizeof spec, "%s@7", tmpdir);
    open_fails(spec, ODPU_E_ARG, "@7", "6");
    remove_tree(tmpdir);
}
END_TEST

START_TEST(test_folder_errors)
{
    make_tmpdir();
    open_fails(tmpdir, ODPU_E_FORMAT, tmpdir, "no class subfolders");
    mkdir_ok(tmp_path("a"));
    mkdir_ok(tmp_path("b"));
    uint8_t px[4] = {1, 2, 3, 4};
    write_png(tmp_path("a/1.png"), 2, 2, 1, px);
    open_fails(tmpdir, ODPU_E_FORMAT, "/b", "class folder has no PNG or JPEG images");
    write_file(tmp_path("b/broken.png"), (const uint8_t *)"\x89PNG not really", 15, 0);
    open_fails(tmpdir, ODPU_E_FORMAT, "b/broken.png", "not a readable PNG or JPEG");
    /* A truncated real PNG. */
    write_png(tmp_path("b/cut.jpg"), 2, 2, 1, px); /* PNG bytes in a .jpg: stb sniffs content */
    FILE *f = fopen(tmp_path("b/cut.jpg"), "rb");
    ck_assert(f != NULL);
    uint8_t buf[256];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    write_file(tmp_path("b/broken.png"), buf, n / 2, 0);
    open_fails(tmpdir, ODPU_E_FORMAT, "b/broken.png", "not a readable");
    remove_tree(tmpdir);
}
END_TEST

START_TEST(test_image_load)
{
    make_tmpdir();
    uint8_t px[6] = {10, 20, 30, 40, 50, 60};
    write_png(tmp_path("one.png"), 2, 1, 3, px);
    uint8_t *got;
    int h, w, c;
    odpu_err err;
    ck_assert_int_eq(odpu_image_load(tmp_path("one.png"), &got, &h, &w, &c, &err), ODPU_OK);
    ck_assert_int_eq(h * 100 + w * 10 + c, 123);
    ck_assert_mem_eq(got, px, 6);
    odpu_image_free(got);
    ck_assert_int_eq(odpu_image_load(tmp_path("none.png"), &got, &h, &w, &c, &err), ODPU_E_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "none.png"));
    ck_assert_ptr_null(got);
    remove_tree(tmpdir);
}
END_TEST

START_TEST(test_bad_specs)
{
    open_fails("", ODPU_E_ARG, "empty", NULL);
    open_fails("fashion-mnist:val", ODPU_E_ARG, "unknown split", "train or test");
    open_fails("fashion-mnist", ODPU_E_ARG, "is not a dataset", "fashion-mnist:train|test");
    open_fails("idx:only_one_file", ODPU_E_ARG, "idx:IMAGES,LABELS", NULL);
    open_fails("idx:a,b,c", ODPU_E_ARG, "idx:IMAGES,LABELS", NULL);
    open_fails("idx:,b", ODPU_E_ARG, "idx:IMAGES,LABELS", NULL);
    open_fails("/no/such/folder", ODPU_E_ARG, "/no/such/folder", "No such file");
    open_fails("tests/test_dataset.c", ODPU_E_ARG, "not a folder", NULL);
    open_fails("fashion-mnist:test@-3", ODPU_E_ARG, "unknown split", NULL);
    odpu_dataset zero;
    memset(&zero, 0, sizeof zero);
    odpu_dataset_free(&zero); /* freeing an empty set is harmless */
    odpu_dataset_free(NULL);
}
END_TEST

static Suite *dataset_suite(void)
{
    Suite *s = suite_create("dataset");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_idx_plain_and_gzip);
    tcase_add_test(tc, test_idx_limit);
    tcase_add_test(tc, test_idx_hwc);
    tcase_add_test(tc, test_idx_corruptions);
    tcase_add_test(tc, test_idx_corrupt_gzip);
    tcase_add_test(tc, test_idx_missing_file);
    tcase_add_test(tc, test_fashion_mnist_label_range);
    tcase_add_test(tc, test_fashion_mnist_test_set);
    tcase_add_test(tc, test_folder);
    tcase_add_test(tc, test_folder_errors);
    tcase_add_test(tc, test_image_load);
    tcase_add_test(tc, test_bad_specs);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(dataset_suite)
