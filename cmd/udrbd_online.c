/* The second half of `udrbd map`: the disk WNBD created is brought online
 * and its largest partition gets the drive letter, by Windows' storage
 * cmdlets (Get-Disk, Set-Disk, Get-Partition, Set-Partition) in one
 * PowerShell run.
 *
 * Windows keeps new SAN disks offline by default (SAN policy
 * "OfflineShared" on servers), and a letter belongs to a partition, not
 * to a disk: a device holding a bare file system (no partition table, as
 * a WinDRBD device before its 1.1.4 fake partition table) gets none. The
 * script says so instead of partitioning, which would destroy data.
 *
 * The script travels as -EncodedCommand (base64 of UTF-16LE), so no
 * quoting rule of cmd.exe or PowerShell touches it. */
#include "plat/plat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int udrbd_map_online(unsigned minor, char letter);

/* WNBD makes the instance name the disk's serial number; PnP may take a
 * moment to show the disk after wnbd-client returns. */
static const char script_find[] =
	"$ErrorActionPreference = 'Stop'\n"
	"$sn = '%s'\n"
	"$d = $null\n"
	"for ($i = 0; $i -lt 60 -and -not $d; $i++) {\n"
	"  $d = Get-Disk | Where-Object { $_.SerialNumber -and $_.SerialNumber.Trim() -eq $sn }\n"
	"  if (-not $d) { Start-Sleep -Milliseconds 500 }\n"
	"}\n"
	"if (-not $d) { throw \"no disk with serial number $sn appeared\" }\n"
	"if ($d.IsOffline) { Set-Disk -Number $d.Number -IsOffline $false }\n"
	"if ($d.IsReadOnly) { Set-Disk -Number $d.Number -IsReadOnly $false }\n";

static const char script_letter[] =
	"$p = Get-Partition -DiskNumber $d.Number -ErrorAction SilentlyContinue |\n"
	"  Where-Object { $_.Type -ne 'Reserved' } | Sort-Object Size -Descending |\n"
	"  Select-Object -First 1\n"
	"if (-not $p) { throw \"disk $($d.Number) ($sn) has no partition to give %c: "
	"(a new device: Initialize-Disk -Number $($d.Number); "
	"New-Partition -DiskNumber $($d.Number) -UseMaximumSize -DriveLetter %c; "
	"Format-Volume -DriveLetter %c)\" }\n"
	"if ($p.DriveLetter -ne '%c') {\n"
	"  Set-Partition -DiskNumber $d.Number -PartitionNumber $p.PartitionNumber "
	"-NewDriveLetter %c\n"
	"}\n"
	"Write-Output \"${sn}: disk $($d.Number), partition $($p.PartitionNumber) is %c:\"\n";

static const char script_no_letter[] =
	"Write-Output \"${sn}: disk $($d.Number) is online\"\n";

static char *b64_utf16le(const char *s)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = strlen(s) * 2, i, o = 0;
	char *out = malloc((n + 2) / 3 * 4 + 1);

	if (!out)
		return NULL;
	for (i = 0; i < n; i += 3) {
		/* Byte k of the UTF-16LE text: the character, then a zero (the
		 * script is ASCII). */
		uint32_t v = 0;
		size_t k, m = n - i < 3 ? n - i : 3;

		for (k = 0; k < 3; k++)
			v = v << 8 | (k < m && !((i + k) & 1) ? (uint8_t)s[(i + k) / 2] : 0);
		out[o++] = tab[v >> 18 & 63];
		out[o++] = tab[v >> 12 & 63];
		out[o++] = m > 1 ? tab[v >> 6 & 63] : '=';
		out[o++] = m > 2 ? tab[v & 63] : '=';
	}
	out[o] = 0;
	return out;
}

static char *build_script(unsigned minor, char letter)
{
	size_t cap = sizeof(script_find) + sizeof(script_letter) + 64, n;
	char *s = malloc(cap), sn[32];

	if (!s)
		return NULL;
	snprintf(sn, sizeof(sn), "drbd%u", minor);
	n = (size_t)snprintf(s, cap, script_find, sn);
	if (letter)
		snprintf(s + n, cap - n, script_letter, letter, letter, letter, letter,
			 letter, letter);
	else
		snprintf(s + n, cap - n, "%s", script_no_letter);
	return s;
}

int udrbd_map_online(unsigned minor, char letter)
{
	char *script = build_script(minor, letter), *b64 = NULL;
	int code, err = -ENOMEM;

	if (script)
		b64 = b64_utf16le(script);
	if (b64) {
		char *argv[] = { "powershell", "-NoProfile", "-NonInteractive",
				 "-ExecutionPolicy", "Bypass", "-EncodedCommand", b64, NULL };

		err = plat_spawn_wait(argv, false, &code);
	}
	if (err == -ENOENT)
		fprintf(stderr, "udrbd: drbd%u is mapped, but PowerShell was not found to "
			"bring the disk online%s\n", minor,
			letter ? " and give it its letter" : "");
	else if (err)
		fprintf(stderr, "udrbd: drbd%u is mapped, but: %s\n", minor, plat_strerror(err));
	else if (code)
		fprintf(stderr, "udrbd: drbd%u is mapped, but bringing it online failed "
			"(PowerShell exit code %d)\n", minor, code);
	free(script);
	free(b64);
	return err ? err : code ? -EIO : 0;
}
