/* test_table.c - report/table.c and report/json.c: one table as text, Markdown, CSV, JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/json.h"
#include "report/table.h"
#include "tests/testutil.h"

static const odpu_table_col cols[] = {{"model", ODPU_COL_TEXT}, {"input", ODPU_COL_TEXT}, {"FPS", ODPU_COL_NUMBER}};

/* Two rows with cells that need escaping in some format: a comma and quotes, a pipe, a
 * multi-byte character, no value. */
static odpu_table *sample(void)
{
    odpu_table *t;
    odpu_err err;
    ck_assert_msg(odpu_table_new(cols, 3, &t, &err) == ODPU_OK, "%s", err.msg);
    const char *r0[] = {"net, \"big\"", "224×224", "1604.0"};
    const char *r1[] = {"a|b", "28×28", "-"};
    ck_assert_msg(odpu_table_add_row(t, r0, &err) == ODPU_OK, "%s", err.msg);
    ck_assert_msg(odpu_table_add_row(t, r1, &err) == ODPU_OK, "%s", err.msg);
    return t;
}

static char *render(const odpu_table *t, odpu_table_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(out);
    odpu_err err;
    ck_assert_msg(odpu_table_write(t, fmt, out, &err) == ODPU_OK, "%s", err.msg);
    fclose(out);
    return buf;
}

static void expect_render(const odpu_table *t, odpu_table_format fmt, const char *want)
{
    char *got = render(t, fmt);
    ck_assert_msg(!strcmp(got, want), "format %d:\n%s\nwanted:\n%s", (int)fmt, got, want);
    free(got);
}

START_TEST(four_renderings)
{
    odpu_table *t = sample();
    ck_assert_uint_eq(odpu_table_rows(t), 2);
    /* Text: widths by characters (× is one), numbers right-aligned, text left. */
    expect_render(t, ODPU_TABLE_TEXT,
                  "model       input       FPS\n"
                  "net, \"big\"  224×224  1604.0\n"
                  "a|b         28×28         -\n");
    expect_render(t, ODPU_TABLE_MD,
                  "| model | input | FPS |\n"
                  "|---|---|---:|\n"
                  "| net, \"big\" | 224×224 | 1604.0 |\n"
                  "| a\\|b | 28×28 | - |\n");
    expect_render(t, ODPU_TABLE_CSV,
                  "model,input,FPS\r\n"
                  "\"net, \"\"big\"\"\",224×224,1604.0\r\n"
                  "a|b,28×28,-\r\n");
    expect_render(t, ODPU_TABLE_JSON,
                  "[\n"
                  "  {\"model\": \"net, \\\"big\\\"\", \"input\": \"224×224\", \"FPS\": 1604.0},\n"
                  "  {\"model\": \"a|b\", \"input\": \"28×28\", \"FPS\": null}\n"
                  "]\n");
    odpu_table_free(t);
}
END_TEST

/* Named tables as one JSON object; a NULL one is left out, a name is escaped. */
START_TEST(json_object)
{
    odpu_table *t = sample(), *empty;
    odpu_err err;
    ck_assert_msg(odpu_table_new(cols, 3, &empty, &err) == ODPU_OK, "%s", err.msg);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(out);
    static const char *const names[] = {"a \"b\"", "skipped", "empty"};
    const odpu_table *const tables[] = {t, NULL, empty};
    ck_assert_msg(odpu_table_write_json_object(names, tables, 3, out, &err) == ODPU_OK, "%s", err.msg);
    fclose(out);
    const char *want = "{\"a \\\"b\\\"\": [\n"
                       "  {\"model\": \"net, \\\"big\\\"\", \"input\": \"224×224\", \"FPS\": 1604.0},\n"
                       "  {\"model\": \"a|b\", \"input\": \"28×28\", \"FPS\": null}\n"
                       "]\n, \"empty\": []\n}\n";
    ck_assert_msg(!strcmp(buf, want), "got:\n%s\nwanted:\n%s", buf, want);
    free(buf);
    odpu_table_free(t);
    odpu_table_free(empty);
}
END_TEST

START_TEST(formats_and_bad_cells)
{
    odpu_table_format f;
    odpu_err err;
    ck_assert_int_eq(odpu_table_format_parse("md", &f, &err), ODPU_OK);
    ck_assert_int_eq(f, ODPU_TABLE_MD);
    ck_assert_int_eq(odpu_table_format_parse("json", &f, &err), ODPU_OK);
    ck_assert_int_eq(f, ODPU_TABLE_JSON);
    ck_assert_int_eq(odpu_table_format_parse("xml", &f, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "'xml'") && strstr(err.msg, "text, md, csv, json"), "%s", err.msg);

    odpu_table *t = sample();
    const char *bad[] = {"x", "1×1", "12 %"};
    ck_assert_int_eq(odpu_table_add_row(t, bad, &err), ODPU_E_ARG);
    ck_assert_msg(strstr(err.msg, "row 2") && strstr(err.msg, "'FPS'") && strstr(err.msg, "'12 %'"), "%s", err.msg);
    const char *missing[] = {"x", NULL, "1"};
    ck_assert_int_eq(odpu_table_add_row(t, missing, &err), ODPU_E_ARG);
    ck_assert_uint_eq(odpu_table_rows(t), 2);
    odpu_table_free(t);

    /* An empty table is still a valid table in every format. */
    ck_assert_int_eq(odpu_table_new(cols, 3, &t, &err), ODPU_OK);
    expect_render(t, ODPU_TABLE_JSON, "[]\n");
    expect_render(t, ODPU_TABLE_CSV, "model,input,FPS\r\n");
    odpu_table_free(t);
    ck_assert_int_eq(odpu_table_new(cols, 0, &t, &err), ODPU_E_ARG);
}
END_TEST

START_TEST(json_numbers)
{
    const char *good[] = {"0", "-0", "12", "1604.0", "-3.25", "1e9", "2.5E-3", "0.001"};
    const char *bad[] = {"", "-", "01", "1.", ".5", "1e", "+1", "1,5", "nan", "12 %", "0x10"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        ck_assert_msg(odpu_json_is_number(good[i]), "'%s' should be a number", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!odpu_json_is_number(bad[i]), "'%s' should not be a number", bad[i]);
}
END_TEST

static Suite *table_suite(void)
{
    Suite *s = suite_create("table");
    TCase *tc = tcase_create("formats");
    tcase_add_test(tc, four_renderings);
    tcase_add_test(tc, json_object);
    tcase_add_test(tc, formats_and_bad_cells);
    tcase_add_test(tc, json_numbers);
    suite_add_tcase(s, tc);
    return s;
}

ODPU_TEST_MAIN(table_suite)
