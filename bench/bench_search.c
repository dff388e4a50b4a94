/*
 * Customer search latency: N searches by mobile (in mixed formats) and N by name (full
 * name and two-syllable prefix) over an imported data directory, as the call centre does.
 * Prints "phone_median_us P phone_p99_us Q name_median_us R name_p99_us S".
 */
#include "auth/secret.h"
#include "base/csv.h"
#include "base/time.h"
#include "customer/customer.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t now_us(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int cmp64(const void *a, const void *b)
{
        int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
        return x < y ? -1 : x > y;
}

static void percentiles(int64_t *v, size_t n, int64_t *median, int64_t *p99)
{
        qsort(v, n, sizeof(*v), cmp64);
        *median = n ? v[n / 2] : 0;
        *p99 = n ? v[(n * 99) / 100] : 0;
}

int main(int argc, char **argv)
{
        if (argc != 4) {
                fprintf(stderr, "usage: bench_search DATADIR FILE.csv N\n");
                return 2;
        }
        char path[1024];
        snprintf(path, sizeof(path), "%s/pcrm.key", argv[1]);
        struct store_db *db;
        if (sec_init() < 0 || sec_keys_load(path) < 0)
                return 1;
        snprintf(path, sizeof(path), "%s/pcrm.db", argv[1]);
        if (store_open(path, &db) != STORE_OK)
                return 1;
        size_t n = (size_t)strtoul(argv[3], NULL, 10);
        FILE *f = fopen(argv[2], "rb");
        if (!f)
                return 1;
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *text = malloc((size_t)len + 1);
        if (!text || fread(text, 1, (size_t)len, f) != (size_t)len)
                return 1;
        fclose(f);

        /* Take queries from the file: every k-th row with a mobile, every k-th name. */
        char(*mobiles)[32] = calloc(n, 32), (*names)[64] = calloc(n, 64);
        size_t nm = 0, nn = 0, row = 0;
        struct csv_reader r;
        csv_init(&r, text, (size_t)len);
        csv_next(&r); /* header: source_id,name,rrn,address,phone,mobile,... */
        while ((nm < n || nn < n) && csv_next(&r) == 1) {
                row++;
                const char *name = csv_field(&r, 1), *mobile = csv_field(&r, 5);
                if (row % 7 == 0 && mobile && *mobile && nm < n)
                        snprintf(mobiles[nm++], 32, "%s", mobile);
                if (row % 5 == 0 && name && *name && nn < n) {
                        /* every other name query is the surname + first syllable only */
                        if (nn % 2 && strlen(name) >= 6)
                                snprintf(names[nn++], 64, "%.6s", name);
                        else
                                snprintf(names[nn++], 64, "%s", name);
                }
        }
        csv_release(&r);

        int64_t *t_phone = calloc(nm + 1, sizeof(int64_t)),
                *t_name = calloc(nn + 1, sizeof(int64_t));
        int64_t ids[20];
        size_t found;
        const char *kind;
        for (size_t i = 0; i < nm; i++) {
                int64_t t0 = now_us();
                customer_search(db, 1, mobiles[i], ids, 20, &found, &kind);
                t_phone[i] = now_us() - t0;
        }
        for (size_t i = 0; i < nn; i++) {
                int64_t t0 = now_us();
                customer_search(db, 1, names[i], ids, 20, &found, &kind);
                t_name[i] = now_us() - t0;
        }
        int64_t pm, p99, nmed, n99;
        percentiles(t_phone, nm, &pm, &p99);
        percentiles(t_name, nn, &nmed, &n99);
        printf("phone_median_us %lld phone_p99_us %lld name_median_us %lld name_p99_us %lld\n",
               (long long)pm, (long long)p99, (long long)nmed, (long long)n99);
        free(t_phone);
        free(t_name);
        free(mobiles);
        free(names);
        free(text);
        store_close(db);
        return 0;
}
