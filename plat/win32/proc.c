/* Globbing and child processes on Windows: FindFirstFileW for include
 * globs, CreateProcessW for drbdsetup/drbdmeta. Names are UTF-8 above
 * plat/, UTF-16 towards Win32. */
#include "plat/win32/win32.h"

#include <stdlib.h>
#include <string.h>

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *narrow(const wchar_t *w)
{
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	char *s = n > 0 ? malloc((size_t)n) : NULL;

	if (s)
		WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
	return s;
}

static int add_path(char ***v, size_t *n, const char *dir, size_t dirlen,
		    const wchar_t *name)
{
	char *base = narrow(name), *full, **nv;

	if (!base)
		return -ENOMEM;
	full = malloc(dirlen + strlen(base) + 1);
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!full || !nv) {
		free(base);
		free(full);
		if (nv)
			*v = nv;
		return -ENOMEM;
	}
	memcpy(full, dir, dirlen);
	strcpy(full + dirlen, base);
	free(base);
	*v = nv;
	(*v)[(*n)++] = full;
	return 0;
}

int plat_glob(const char *pattern, char ***paths, size_t *n)
{
	const char *slash = strrchr(pattern, '/'), *bs = strrchr(pattern, '\\');
	size_t dirlen;
	WIN32_FIND_DATAW fd;
	wchar_t *wp;
	HANDLE h;
	int err = 0;

	*paths = NULL;
	*n = 0;
	if (bs && (!slash || bs > slash))
		slash = bs;
	dirlen = slash ? (size_t)(slash - pattern) + 1 : 0;
	wp = plat_win32_wide(pattern);
	if (!wp)
		return -ENOMEM;
	h = FindFirstFileW(wp, &fd);
	free(wp);
	if (h == INVALID_HANDLE_VALUE) {
		err = plat_win32_last_err();
		return err == -ENOENT ? 0 : err;
	}
	do {
		if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
			continue;
		err = add_path(paths, n, pattern, dirlen, fd.cFileName);
	} while (!err && FindNextFileW(h, &fd));
	FindClose(h);
	if (err) {
		plat_glob_free(*paths, *n);
		*paths = NULL;
		*n = 0;
		return err;
	}
	qsort(*paths, *n, sizeof(**paths), cmp_str);
	return 0;
}

/* One argument quoted by the rules CommandLineToArgvW undoes. */
static size_t quote_arg(char *out, const char *a)
{
	size_t n = 0, bsl;

	if (*a && !strpbrk(a, " \t\"")) {
		n = strlen(a);
		if (out)
			memcpy(out, a, n);
		return n;
	}
	if (out)
		out[n] = '"';
	n++;
	for (; *a; a++) {
		for (bsl = 0; *a == '\\'; a++)
			bsl++;
		if (!*a || *a == '"')
			bsl = bsl * 2 + (*a == '"');
		while (bsl--) {
			if (out)
				out[n] = '\\';
			n++;
		}
		if (!*a)
			break;
		if (out)
			out[n] = *a;
		n++;
	}
	if (out)
		out[n] = '"';
	return n + 1;
}

static int read_pipe(HANDLE h, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b = malloc(cap + 1), *nb;
	DWORD got;

	if (!b)
		return -ENOMEM;
	while (ReadFile(h, b + n, (DWORD)(cap - n), &got, NULL) && got) {
		n += got;
		if (n == cap) {
			if (!(nb = realloc(b, 2 * cap + 1))) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
			cap *= 2;
		}
	}
	b[n] = 0;
	*out = b;
	*len = n;
	return 0;
}

static wchar_t *command_line(char *const argv[])
{
	size_t len = 1, i, at = 0;
	wchar_t *w;
	char *cmd;

	for (i = 0; argv[i]; i++)
		len += quote_arg(NULL, argv[i]) + 1;
	if (!(cmd = malloc(len)))
		return NULL;
	for (i = 0; argv[i]; i++) {
		if (i)
			cmd[at++] = ' ';
		at += quote_arg(cmd + at, argv[i]);
	}
	cmd[at] = 0;
	w = plat_win32_wide(cmd);
	free(cmd);
	return w;
}

/* out == NULL: stdout is inherited. */
static int spawn(char *const argv[], bool quiet, char **out, size_t *len, int *exit_code)
{
	SECURITY_ATTRIBUTES sa = { .nLength = sizeof(sa), .bInheritHandle = TRUE };
	STARTUPINFOW si = { .cb = sizeof(si) };
	HANDLE null = INVALID_HANDLE_VALUE, rd = NULL, wr = NULL;
	PROCESS_INFORMATION pi;
	wchar_t *wcmd = command_line(argv);
	DWORD code;
	int err = 0;

	if (!wcmd)
		return -ENOMEM;
	si.dwFlags = STARTF_USESTDHANDLES;
	si.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
	si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
	si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
	if (quiet) {
		null = CreateFileW(L"NUL", GENERIC_WRITE, FILE_SHARE_WRITE, &sa,
				   OPEN_EXISTING, 0, NULL);
		si.hStdError = null;
	}
	if (out) {
		if (!CreatePipe(&rd, &wr, &sa, 0)) {
			err = plat_win32_last_err();
			goto out;
		}
		/* Only the child's end is inherited. */
		SetHandleInformation(rd, HANDLE_FLAG_INHERIT, 0);
		si.hStdOutput = wr;
	}
	/* No application name: CreateProcess searches PATH for argv[0]. */
	if (!CreateProcessW(NULL, wcmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
		err = plat_win32_last_err();
		goto out;
	}
	if (out) {
		CloseHandle(wr);
		wr = NULL;
		err = read_pipe(rd, out, len);
	}
	WaitForSingleObject(pi.hProcess, INFINITE);
	if (!GetExitCodeProcess(pi.hProcess, &code)) {
		if (out && !err)
			free(*out);
		err = err ? err : plat_win32_last_err();
	} else {
		*exit_code = (int)code;
	}
	CloseHandle(pi.hThread);
	CloseHandle(pi.hProcess);
out:
	if (null != INVALID_HANDLE_VALUE)
		CloseHandle(null);
	if (rd)
		CloseHandle(rd);
	if (wr)
		CloseHandle(wr);
	free(wcmd);
	return err;
}

int plat_spawn_wait(char *const argv[], bool quiet, int *exit_code)
{
	return spawn(argv, quiet, NULL, NULL, exit_code);
}

int plat_spawn_capture(char *const argv[], char **out, size_t *len, int *exit_code)
{
	return spawn(argv, true, out, len, exit_code);
}
