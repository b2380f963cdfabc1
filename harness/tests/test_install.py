"""make install / uninstall (issue 13): the library, header, pkg-config file and command land
under DESTDIR+PREFIX, a program builds against them with `pkg-config --cflags --libs graphmem`
(shared and static) and runs, and uninstall removes every file install put there."""
import os
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

PROGRAM = r"""
#include <graphmem.h>
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv)
{
    gm_graph *g; gm_node a, b; gm_edge e; size_t deg; int64_t v = 0; char err[128];
    const char *backend = argc > 1 ? argv[1] : "zerocopy";
    if (gm_open(backend, &g, err, sizeof err) != GM_OK) { fprintf(stderr, "%s\n", err); return 1; }
    gm_value x = gm_int(41);
    if (gm_node_add(g, "a", 1, &a) || gm_node_add(g, "b", 1, &b) || gm_edge_add(g, a, b, &e) ||
        gm_node_set(g, b, "x", &x) || gm_node_get_int(g, b, "x", &v) || gm_out_degree(g, a, &deg))
        return 2;
    printf("%s %s degree %zu x %lld\n", GM_VERSION, backend, deg, (long long)v + 1);
    gm_close(g);
    return 0;
}
"""


def run(*argv, **kw):
    p = subprocess.run(argv, capture_output=True, text=True, **kw)
    assert p.returncode == 0, f"{argv}: {p.stdout}{p.stderr}"
    return p.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    dest = tmp_path_factory.mktemp("destdir")
    run("make", "--no-print-directory", "-C", ROOT, "install", f"DESTDIR={dest}", "PREFIX=/usr")
    return dest


def pkgconfig_env(dest):
    return dict(os.environ, PKG_CONFIG_PATH=str(dest / "usr/lib/pkgconfig"),
                PKG_CONFIG_SYSROOT_DIR=str(dest))


def test_install_lays_out_the_files(installed):
    lib = installed / "usr/lib"
    for f in ("libgraphmem.a", "libgraphmem.so.0.2.0", "pkgconfig/graphmem.pc"):
        assert (lib / f).is_file(), f
    assert os.readlink(lib / "libgraphmem.so.0") == "libgraphmem.so.0.2.0"
    assert os.readlink(lib / "libgraphmem.so") == "libgraphmem.so.0"
    assert (installed / "usr/include/graphmem.h").is_file()
    assert os.access(installed / "usr/bin/graphmem", os.X_OK)
    assert "Library soname: [libgraphmem.so.0]" in run("readelf", "-d", str(lib / "libgraphmem.so.0.2.0"))
    pc = (lib / "pkgconfig/graphmem.pc").read_text()
    assert "prefix=/usr\n" in pc and "Version: 0.2.0" in pc


@pytest.mark.parametrize("link", ["shared", "static"])
def test_program_builds_with_pkg_config(installed, tmp_path, link):
    env = pkgconfig_env(installed)
    flags = run("pkg-config", "--cflags", "--libs", *(["--static"] if link == "static" else []),
                "graphmem", env=env).split()
    assert f"-I{installed}/usr/include" in flags and "-lgraphmem" in flags
    src = tmp_path / "prog.c"
    src.write_text(PROGRAM)
    exe = tmp_path / "prog"
    extra = ["-static-libgcc", "-Wl,-Bstatic", "-lgraphmem", "-Wl,-Bdynamic"] if link == "static" else []
    libs = [f for f in flags if f != "-lgraphmem"] if link == "static" else flags
    run("gcc", "-std=c11", "-Wall", "-Werror", str(src), "-o", str(exe),
        *[f for f in libs if not f.startswith("-l")], *extra, *[f for f in libs if f.startswith("-l")])
    needed = run("readelf", "-d", str(exe))
    assert ("libgraphmem.so.0" in needed) == (link == "shared")
    out = run(str(exe), "compact", env=dict(os.environ, LD_LIBRARY_PATH=str(installed / "usr/lib")))
    assert out == "0.2.0 compact degree 1 x 42\n"


def test_installed_command_runs_this_checkout(installed):
    cmd = str(installed / "usr/bin/graphmem")
    assert run(cmd, "--version").strip() == "graphmem 0.2.0"
    out = run(cmd, "systems")
    assert "zerocopy" in out and "compact" in out


def test_uninstall_removes_everything(installed, tmp_path):
    dest = tmp_path / "d"
    run("make", "--no-print-directory", "-C", ROOT, "install", f"DESTDIR={dest}", "PREFIX=/opt/gm")
    assert (dest / "opt/gm/lib/libgraphmem.so").is_symlink()
    run("make", "--no-print-directory", "-C", ROOT, "uninstall", f"DESTDIR={dest}", "PREFIX=/opt/gm")
    left = [p for p in dest.rglob("*") if not p.is_dir()]
    assert left == []
