/* Regression runner: replays every file of the directories given on the command line through a
** fuzz target's LLVMFuzzerTestOneInput (linked in), without libFuzzer. Built with ASan+UBSan, so a
** crash, a sanitizer report, a leak or a divergence (abort) fails the run. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); return -1; }
    size_t cap = 4096, n = 0, k;
    uint8_t *buf = malloc(cap);
    if (!buf) abort();
    while ((k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap && !(buf = realloc(buf, cap *= 2))) abort();
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (!d) { perror(argv[i]); return 1; }
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            if (replay(path) != 0) { closedir(d); return 1; }
            count++;
        }
        closedir(d);
    }
    printf("replayed %zu inputs\n", count);
    return 0;
}
