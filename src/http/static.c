/*
 * Static files of the web UI from cfg->web_dir (web/dist). Only GET and HEAD. A path is
 * refused unless it is made of plain segments (no "..", no dot-files, no backslashes),
 * and the file found must resolve (after symlinks) to a regular file inside web_dir.
 * Unknown paths without an extension get index.html, so the single-page app can route.
 */
#include "http/router.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct {
        const char *ext;
        const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".map", "application/json; charset=utf-8"},
};

static const char *content_type(const char *path)
{
        const char *dot = strrchr(path, '.');
        if (dot && !strchr(dot, '/'))
                for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
                        if (!strcmp(dot, types[i].ext))
                                return types[i].type;
        return "application/octet-stream";
}

/* Plain segments only: letters, digits, '-', '_', '.', not starting with '.'. */
static bool path_is_plain(const char *path)
{
        if (path[0] != '/')
                return false;
        for (const char *p = path; *p; p++) {
                unsigned char c = (unsigned char)*p;
                if (c == '/') {
                        if (p[1] == '.' || p[1] == '/')
                                return false;
                        continue;
                }
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.'))
                        return false;
        }
        return true;
}

/* Opens root/rel if it resolves inside root to a regular file. Returns fd or -1. */
static int open_inside(const char *root_real, const char *rel, struct stat *st)
{
        char joined[PATH_MAX], real[PATH_MAX];
        if (snprintf(joined, sizeof(joined), "%s%s", root_real, rel) >= (int)sizeof(joined))
                return -1;
        if (!realpath(joined, real))
                return -1;
        size_t rootlen = strlen(root_real);
        if (strncmp(real, root_real, rootlen) != 0 || real[rootlen] != '/')
                return -1;
        int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -1;
        if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
                close(fd);
                return -1;
        }
        return fd;
}

void http_serve_static(struct http_request *req)
{
        if (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")) {
                http_add_header(req, "Allow", "GET, HEAD");
                http_reply_error(req, 405, "method_not_allowed", NULL,
                                 "허용되지 않는 메서드입니다");
                return;
        }
        char root[PATH_MAX];
        if (!realpath(req->cfg->web_dir, root)) {
                http_reply_error(req, 404, "not_found", NULL, "웹 화면이 설치되지 않았습니다");
                return;
        }
        const char *rel = strcmp(req->path, "/") ? req->path : "/index.html";
        if (!path_is_plain(rel)) {
                http_reply_error(req, 404, "not_found", NULL, "찾을 수 없습니다");
                return;
        }
        struct stat st;
        int fd = open_inside(root, rel, &st);
        const char *last = strrchr(rel, '/');
        if (fd < 0 && !strchr(last, '.')) {
                rel = "/index.html"; /* a client-side route of the single-page app */
                fd = open_inside(root, rel, &st);
        }
        if (fd < 0) {
                http_reply_error(req, 404, "not_found", NULL, "찾을 수 없습니다");
                return;
        }
        req->status = 200;
        req->file_fd = fd;
        req->file_size = st.st_size;
        req->file_type = content_type(rel);
}
