/* test_meta.c - model.yaml (data/meta.h): the full schema, defaults, one test per kind of
 * error with the line and key the message must name, every model.yaml of the zoo, and the
 * META text round trip of a compiled model. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data/meta.h"
#include "tests/testutil.h"

static const char full_yaml[] =
    "name: mnist_cnn\n"                                                        /* 1 */
    "onnx: mnist_cnn.onnx\n"                                                   /* 2 */
    "dataset: fashion-mnist\n"                                                 /* 3 */
    "input: {channels: 1, height: 28, width: 28}\n"                            /* 4 */
    "preprocess: {resize: none, scale: 0.00392156862745098, mean: [0.2860], std: [0.3530]}\n"
    "labels: [T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot]\n"
    "reference: {inputs: reference_inputs.f32, outputs: reference_outputs.f32, count: 8}\n"
    "accuracy: {fp32_top1: 91.23, fx_int8_top1: null, test_images: 10000, calib_images: 300}\n"
    "training:\n"                                                              /* 9 */
    "  epochs: 5\n"
    "  optimizer: {name: adam, lr: 0.001}\n"
    "  anything: [goes, here]\n"
    "params: 12345\n"
    "macs: 678910\n";

static odpu_status parse(const char *text, odpu_model_meta *m, odpu_err *err)
{
    odpu_err_clear(err);
    return odpu_meta_parse(text, strlen(text), "m.yaml", "models/x", m, err);
}

START_TEST(test_full)
{
    odpu_model_meta m;
    odpu_err err;
    ck_assert_msg(parse(full_yaml, &m, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_str_eq(m.name, "mnist_cnn");
    ck_assert_str_eq(m.onnx_path, "models/x/mnist_cnn.onnx");
    ck_assert_str_eq(m.dataset, "fashion-mnist");
    ck_assert_int_eq(m.in_c, 1);
    ck_assert_int_eq(m.in_h, 28);
    ck_assert_int_eq(m.in_w, 28);
    ck_assert_int_eq(m.pre.resize, 0);
    ck_assert_int_eq(m.pre.out_c, 1);
    ck_assert_int_eq(m.pre.out_h, 28);
    ck_assert_float_eq(m.pre.scale, (float)0.00392156862745098);
    ck_assert_float_eq(m.pre.mean[0], 0.2860f);
    ck_assert_float_eq(m.pre.std[0], 0.3530f);
    ck_assert_int_eq(m.n_labels, 10);
    ck_assert_str_eq(m.labels[0], "T-shirt/top");
    ck_assert_str_eq(m.labels[9], "Ankle boot");
    ck_assert_str_eq(m.ref_inputs, "models/x/reference_inputs.f32");
    ck_assert_str_eq(m.ref_outputs, "models/x/reference_outputs.f32");
    ck_assert_int_eq(m.ref_count, 8);
    ck_assert_int_eq(m.has_fp32_top1, 1);
    ck_assert_double_eq_tol(m.fp32_top1, 91.23, 1e-12);
    ck_assert_int_eq(m.has_fx_int8_top1, 0);
    ck_assert_int_eq(m.test_images, 10000);
    ck_assert_int_eq(m.calib_images, 300);
    ck_assert_int_eq(m.params, 12345);
    ck_assert_int_eq(m.macs, 678910);
    odpu_meta_free(&m);
    ck_assert_ptr_null(m.name);
}
END_TEST

/* Only the required keys; one mean/std for three channels; block style; absolute onnx. */
START_TEST(test_minimal_and_broadcast)
{
    const char *text = "name: rgbnet\n"
                       "onnx: /abs/rgb.onnx\n"
                       "input:\n  channels: 3\n  height: 64\n  width: 48\n"
                       "preprocess:\n  resize: bilinear\n  scale: 1\n  mean: [0.5]\n  std:\n    - 0.25\n"
                       "labels:\n  - a\n  - 'b: quoted'\n";
    odpu_model_meta m;
    odpu_err err;
    ck_assert_msg(parse(text, &m, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_str_eq(m.onnx_path, "/abs/rgb.onnx");
    ck_assert_ptr_null(m.dataset);
    ck_assert_ptr_null(m.ref_inputs);
    ck_assert_int_eq(m.pre.resize, 1);
    ck_assert_int_eq(m.pre.out_w, 48);
    for (int k = 0; k < 3; k++) {
        ck_assert_float_eq(m.pre.mean[k], 0.5f);
        ck_assert_float_eq(m.pre.std[k], 0.25f);
    }
    ck_assert_str_eq(m.labels[1], "b: quoted");
    ck_assert_int_eq(m.has_fp32_top1, 0);
    odpu_meta_free(&m);
}
END_TEST

/* Replace the first occurrence of `from` in the full YAML by `to`. */
static char *edited(const char *from, const char *to)
{
    static char buf[4096];
    const char *at = strstr(full_yaml, from);
    ck_assert_msg(at != NULL, "'%s' not in the test YAML", from);
    size_t pre = (size_t)(at - full_yaml);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)pre, full_yaml, to, at + strlen(from));
    return buf;
}

static void expect_error(const char *text, odpu_status code, const char *where)
{
    odpu_model_meta m;
    odpu_err err;
    odpu_status st = parse(text, &m, &err);
    ck_assert_msg(st == code, "status %s, expected %s (%s) for:\n%s", odpu_status_name(st),
                  odpu_status_name(code), err.msg, text);
    ck_assert_msg(strstr(err.msg, where) != NULL, "message '%s' lacks '%s'", err.msg, where);
    ck_assert_ptr_null(m.name);
    ck_assert_ptr_null(m.labels);
}

START_TEST(test_errors)
{
    expect_error(edited("name: mnist_cnn\n", ""), ODPU_E_CONFIG, "m.yaml:1: name: missing");
    expect_error(edited("name: mnist_cnn", "nmae: mnist_cnn"), ODPU_E_CONFIG, "m.yaml:1: nmae: unknown key");
    expect_error(edited("name: mnist_cnn", "name: ''"), ODPU_E_CONFIG, "m.yaml:1: name: empty");
    expect_error(edited("name: mnist_cnn", "name: [a]"), ODPU_E_CONFIG, "m.yaml:1: name: expected a value, got a list");
    expect_error(edited("dataset: fashion-mnist\n", "dataset: fashion-mnist\nname: again\n"), ODPU_E_CONFIG,
                 "m.yaml:4: name: duplicate key (first on line 1)");
    expect_error(edited("channels: 1", "channels: 5"), ODPU_E_CONFIG, "m.yaml:4: input.channels: '5' is not an integer in [1, 4]");
    expect_error(edited("height: 28", "height: 2x8"), ODPU_E_CONFIG, "m.yaml:4: input.height");
    expect_error(edited("width: 28", "depth: 28"), ODPU_E_CONFIG, "m.yaml:4: input.depth: unknown key");
    expect_error(edited("input: {channels: 1, height: 28, width: 28}", "input: 28"), ODPU_E_CONFIG,
                 "m.yaml:4: input: expected a mapping, got a scalar");
    expect_error(edited("resize: none", "resize: nearest"), ODPU_E_CONFIG, "m.yaml:5: preprocess.resize: 'nearest' is not none or bilinear");
    expect_error(edited("scale: 0.00392156862745098", "scale: -1"), ODPU_E_CONFIG, "m.yaml:5: preprocess.scale");
    expect_error(edited("scale: 0.00392156862745098", "scale: 1e99"), ODPU_E_CONFIG, "preprocess.scale");
    expect_error(edited("scale: 0.00392156862745098, ", ""), ODPU_E_CONFIG, "m.yaml:5: preprocess.scale: missing");
    expect_error(edited("mean: [0.2860]", "mean: [0.2, 0.3]"), ODPU_E_CONFIG, "preprocess.mean: has 2 values, expected 1 or 1");
    expect_error(edited("mean: [0.2860]", "mean: [abc]"), ODPU_E_CONFIG, "preprocess.mean: 'abc' is not a number");
    expect_error(edited("std: [0.3530]", "std: [0]"), ODPU_E_CONFIG, "preprocess.std: 0 must be greater than 0");
    expect_error(edited("std: [0.3530]", "stdev: [1]"), ODPU_E_CONFIG, "preprocess.stdev: unknown key");
    expect_error(edited("labels: [T-shirt/top,", "labels: [[T-shirt/top],"), ODPU_E_CONFIG, "m.yaml:6: labels: each label must be a name");
    expect_error(edited("labels: [T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot]",
                        "labels: []"), ODPU_E_CONFIG, "m.yaml:6: labels: 0 labels");
    expect_error(edited("count: 8", "count: 0"), ODPU_E_CONFIG, "m.yaml:7: reference.count");
    expect_error(edited(", count: 8", ""), ODPU_E_CONFIG, "m.yaml:7: reference.count: missing");
    expect_error(edited("fp32_top1: 91.23", "fp32_top1: 191.23"), ODPU_E_CONFIG, "m.yaml:8: accuracy.fp32_top1: 191.23 is not a percentage");
    expect_error(edited("fp32_top1: 91.23", "fp32_top1: high"), ODPU_E_CONFIG, "accuracy.fp32_top1: 'high' is not a number");
    expect_error(edited("test_images: 10000", "test_images: 1e4"), ODPU_E_CONFIG, "accuracy.test_images");
    expect_error(edited("params: 12345", "params: -5"), ODPU_E_CONFIG, "m.yaml:13: params");
    expect_error(edited("macs: 678910\n", "macs: 678910\nextra: 1\n"), ODPU_E_CONFIG, "m.yaml:15: extra: unknown key");
    expect_error(edited("  epochs: 5\n", "  epochs: [5\n"), ODPU_E_PARSE, "m.yaml:");
    expect_error("- just\n- a list\n", ODPU_E_CONFIG, "m.yaml:1: expected a mapping");
    expect_error("", ODPU_E_CONFIG, "expected a mapping");
    expect_error(edited("macs: 678910\n", "macs: 678910\n---\nname: second\n"), ODPU_E_PARSE, "second YAML document");
    expect_error(edited("name: mnist_cnn", "name: \"a\\x01b\""), ODPU_E_CONFIG, "control characters");
}
END_TEST

/* From a file: relative paths resolve against the YAML's folder. */
START_TEST(test_load_file)
{
    char dir[] = "/tmp/odpu_test_meta_XXXXXX";
    ck_assert(mkdtemp(dir) != NULL);
    char path[sizeof dir + 16];
    snprintf(path, sizeof path, "%s/model.yaml", dir);
    FILE *f = fopen(path, "w");
    ck_assert(f != NULL);
    fputs(full_yaml, f);
    fclose(f);
    odpu_model_meta m;
    odpu_err err;
    ck_assert_msg(odpu_meta_load(path, &m, &err) == ODPU_OK, "%s", err.msg);
    char want[sizeof dir + 32];
    snprintf(want, sizeof want, "%s/mnist_cnn.onnx", dir);
    ck_assert_str_eq(m.onnx_path, want);
    odpu_meta_free(&m);
    unlink(path);
    ck_assert_int_eq(odpu_meta_load(path, &m, &err), ODPU_E_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, path));
    rmdir(dir);
}
END_TEST

/* Every model of the zoo has a model.yaml this parser accepts, naming an existing ONNX file. */
START_TEST(test_zoo_files)
{
    glob_t g;
    int rc = glob("models/*/model.yaml", 0, NULL, &g);
    if (rc == GLOB_NOMATCH)
        return; /* no zoo models yet */
    ck_assert_int_eq(rc, 0);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        odpu_model_meta m;
        odpu_err err;
        ck_assert_msg(odpu_meta_load(g.gl_pathv[i], &m, &err) == ODPU_OK, "%s", err.msg);
        ck_assert_msg(access(m.onnx_path, R_OK) == 0, "%s: onnx file %s is missing", g.gl_pathv[i], m.onnx_path);
        ck_assert_int_ge(m.n_labels, 2);
        odpu_meta_free(&m);
    }
    globfree(&g);
}
END_TEST

/* ---- META text ---------------------------------------------------------------------------- */

START_TEST(test_text_round_trip)
{
    odpu_model_meta m, back;
    odpu_err err;
    ck_assert(parse(full_yaml, &m, &err) == ODPU_OK);
    m.in_c = m.pre.out_c = 3; /* three channels with values that need all 9 digits */
    m.pre.mean[1] = 0.1f / 3;
    m.pre.mean[2] = -7.0e-5f;
    m.pre.std[1] = 1.0f / 7;
    m.pre.std[2] = 12345.678f;
    m.pre.resize = 1;
    char *text;
    ck_assert_int_eq(odpu_meta_to_text(&m, &text, &err), ODPU_OK);
    ck_assert_ptr_nonnull(strstr(text, "label.0=T-shirt/top\n"));
    ck_assert_ptr_nonnull(strstr(text, "preprocess.resize=bilinear\n"));
    /* Other producers' lines around ours are ignored. */
    size_t n = strlen(text) + 64;
    char *with_more = malloc(n);
    ck_assert_ptr_nonnull(with_more);
    snprintf(with_more, n, "producer=opendpu\n%sarch=b4096\nno equals sign here", text);
    ck_assert_msg(odpu_meta_from_text(with_more, "x.odpu", &back, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_str_eq(back.name, "mnist_cnn");
    ck_assert_str_eq(back.dataset, "fashion-mnist");
    ck_assert_ptr_null(back.onnx_path);
    ck_assert_int_eq(back.in_c, 3);
    ck_assert_int_eq(back.pre.out_h, 28);
    ck_assert_int_eq(back.pre.resize, 1);
    ck_assert(memcmp(&back.pre.scale, &m.pre.scale, sizeof m.pre.scale) == 0);
    ck_assert(memcmp(back.pre.mean, m.pre.mean, 3 * sizeof(float)) == 0);
    ck_assert(memcmp(back.pre.std, m.pre.std, 3 * sizeof(float)) == 0);
    ck_assert_int_eq(back.n_labels, 10);
    for (int i = 0; i < 10; i++)
        ck_assert_str_eq(back.labels[i], m.labels[i]);
    odpu_meta_free(&back);
    free(with_more);
    free(text);
    odpu_meta_free(&m);
}
END_TEST

static const char good_text[] = "input.channels=1\ninput.height=28\ninput.width=28\npreprocess.resize=none\n"
                                "preprocess.scale=0.5\npreprocess.mean=0.1\npreprocess.std=0.2\nlabels=2\n"
                                "label.0=a\nlabel.1=b\n";

static void text_error(const char *from, const char *to, const char *where)
{
    char buf[1024];
    const char *at = strstr(good_text, from);
    ck_assert_msg(at != NULL, "'%s' not in the text", from);
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - good_text), good_text, to, at + strlen(from));
    odpu_model_meta m;
    odpu_err err;
    odpu_err_clear(&err);
    ck_assert_int_eq(odpu_meta_from_text(buf, "x.odpu", &m, &err), ODPU_E_FORMAT);
    ck_assert_msg(strstr(err.msg, where) != NULL, "message '%s' lacks '%s'", err.msg, where);
    ck_assert_ptr_null(m.labels);
}

START_TEST(test_text_errors)
{
    odpu_model_meta m;
    odpu_err err;
    ck_assert_int_eq(odpu_meta_from_text(good_text, "x.odpu", &m, &err), ODPU_OK);
    odpu_meta_free(&m);
    ck_assert_int_eq(odpu_meta_from_text(NULL, "x.odpu", &m, &err), ODPU_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(err.msg, "no META"));
    text_error("input.height=28\n", "", "no input.height= line");
    text_error("label.1=b\n", "", "no label.1= line");
    text_error("label.1=b\n", "label.2=b\n", "META line 10: label.2: label index out of range");
    text_error("label.1=b\n", "label.0=b\n", "META line 10: label.0: duplicate label");
    text_error("labels=2\n", "label.0=z\nlabels=2\n", "META line 8: label.0: comes before labels=N");
    text_error("preprocess.scale=0.5", "preprocess.scale=-0.5", "META line 5: preprocess.scale");
    text_error("preprocess.mean=0.1", "preprocess.mean=0.1,0.2", "more values than input channels");
    text_error("input.channels=1\n", "input.channels=1\ninput.channels=1\n", "META line 2: input.channels: duplicate");
    text_error("preprocess.resize=none", "preprocess.resize=area", "expected none or bilinear");
    text_error("input.width=28", "input.width=huge", "input.width: not an integer");
    text_error("input.channels=1\n", "preprocess.mean=0.1\n", "comes before input.channels");
}
END_TEST

static Suite *meta_suite(void)
{
    Suite *s = suite_create("meta");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_full);
    tcase_add_test(tc, test_minimal_and_broadcast);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_load_file);
    tcase_add_test(tc, test_zoo_files);
    tcase_add_test(tc, test_text_round_trip);
    tcase_add_test(tc, test_text_errors);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(meta_suite)
