/* A minimal test harness: each test function prints one "PASS: name" or "FAIL: name"
 * line; failed checks print file, line and the values, at most 10 per test. */
#ifndef LOGQ_CHECK_H
#define LOGQ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

typedef struct {
    int failures;    /* in the running test */
    int total_failed;
    const char *prefix;
} check_state;

static check_state check_st = {0, 0, ""};

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        if (!(cond)) {                                                    \
            if (check_st.failures++ < 10) {                               \
                printf("  %s:%d: check failed: %s: ", __FILE__, __LINE__, \
                       #cond);                                            \
                printf(__VA_ARGS__);                                      \
                printf("\n");                                             \
            }                                                             \
        }                                                                 \
    } while (0)

static void check_run(const char *name, void (*fn)(void))
{
    check_st.failures = 0;
    fn();
    printf("%s: %s%s", check_st.failures ? "FAIL" : "PASS", check_st.prefix, name);
    if (check_st.failures)
        printf(" (%d failed checks)", check_st.failures);
    printf("\n");
    fflush(stdout);
    check_st.total_failed += check_st.failures != 0;
}

#define RUN(fn) check_run(#fn, fn)

/* The prefix tells plain and sanitizer runs apart: argv[1] if given. */
static void check_init(int argc, char **argv)
{
    if (argc > 1)
        check_st.prefix = argv[1];
}

/* The seed of a randomized test: SEED from the environment, else def. */
static inline unsigned long long check_seed(unsigned long long def)
{
    const char *e = getenv("SEED");
    return e && *e ? strtoull(e, NULL, 10) : def;
}

static int check_done(void)
{
    return check_st.total_failed ? 1 : 0;
}

#endif
