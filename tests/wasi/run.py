#!/usr/bin/env python3
"""run.py ZWASM — runs the WASI testsuite, the sandbox-escape tests and
checks of how `zwasm run` wires WASI up (tests/wasi/cli/*.wat).

Each suite test NAME.wasm runs as a WASI command as ../shared/README.md
describes: NAME.json gives args, env, dirs (preopened under the same name),
root (preopened as "/"), the expected exit_code (default 0), stdout and
stderr.  The fixture directories are copied to a fresh temporary directory
first (the shared tree is read-only and tests write into them), so every
test starts from the pristine fixtures.

tests/wasi/known-failures.txt lists "SUITE/NAME reason..." lines: those
tests count as skipped when they fail and as failed ("stale entry") when
they pass.

The escape tests (tests/wasi/escape/*.wasm) run with a fresh sandbox:
    TMP/sandbox/            preopened as "/sandbox" (--dir TMP/sandbox::/sandbox)
    TMP/outside/secret      a file outside the sandbox
    TMP/sandbox/inside      a file inside, and three symlinks: abs_file ->
                            TMP/outside/secret, abs_dir -> TMP/outside,
                            rel_dir -> ../outside
and must exit 0; afterwards TMP/outside must be unchanged (same names and
contents) and nothing may exist beside sandbox/ and outside/.

The race tests (tests/wasi/race) attack the resolver's check-then-use of a
last component written with a trailing slash ("sw/": the resolver sees that
sw is no symlink, then the host call would follow one).  Layout:
    TMP/sandbox/   preopened as "/sandbox"
    TMP/secret     a marker file; TMP (the sandbox's parent, "outside")
                   gets fixed old timestamps first
While sw turns into a symlink to ".." and back, two race/probe.wasm
processes loop path_open("sw/", O_DIRECTORY), path_filestat_get and
path_filestat_set_times on it for RACE_MS milliseconds and exit 1 at the
first escape (an opened directory listing "secret" or having TMP's inode,
a filestat with TMP's inode); the runner also checks that TMP's timestamps
and entries did not change.
  race/two-guests  the probes and a third `zwasm run`, flip.wasm, share the
                   preopen; flip loops path_symlink("..", "sw") /
                   path_unlink_file("sw"), so sw is never a directory and any
                   success of the probes is an escape.
  race/host-swap   the runner swaps a real directory sandbox/sw with a
                   symlink sandbox/swl -> .. (renameat2 RENAME_EXCHANGE) as
                   fast as it can; reaching sw is legitimate, TMP is not.
Each takes RACE_MS of wall clock time, less when it escapes.  A slower binary
(the sanitizer build) makes fewer tries and may miss an escape, but never
fails a correct resolver.  Environment: WASI_RACE_MS (default 2500),
WASI_RACE_PROBES (default 2), WASI_RACE_ALL=1 (the probes count escapes
until the end instead of stopping at the first; WASI_VERBOSE=1 shows them).
"""
import ctypes, json, os, platform, resource, shutil, subprocess, sys, tempfile, time

# ZWASM_TEST_ENGINE=jit runs everything with --engine jit
RUN = ['run'] + (['--engine', os.environ['ZWASM_TEST_ENGINE']] if os.environ.get('ZWASM_TEST_ENGINE') else [])

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TIMEOUT = 120


def load_known(path):
    known = {}
    if os.path.exists(path):
        for line in open(path):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            name, _, reason = line.partition(' ')
            known[name] = reason.strip() or '(no reason given)'
    return known


def run(cmd, cwd, max_fds=None):
    def limit():
        if max_fds:
            resource.setrlimit(resource.RLIMIT_NOFILE, (max_fds, max_fds))
    try:
        p = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT, preexec_fn=limit)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return None, b'', b'timeout'


def suite_test(zwasm, suite_dir, name):
    """Returns None on success, else a reason."""
    wasm = os.path.join(suite_dir, name + '.wasm')
    jpath = os.path.join(suite_dir, name + '.json')
    spec = json.load(open(jpath)) if os.path.exists(jpath) else {}
    tmp = tempfile.mkdtemp(prefix='zwasm-wasi-')
    try:
        cmd = [zwasm] + RUN
        fixtures = list(spec.get('dirs', []))
        if 'root' in spec:
            fixtures.append(spec['root'])
        for d in fixtures:
            dst = os.path.join(tmp, d)
            if not os.path.exists(dst):
                shutil.copytree(os.path.join(suite_dir, d), dst, symlinks=True)
                for r, ds, fs in os.walk(dst):
                    for x in ds + fs:
                        p = os.path.join(r, x)
                        if not os.path.islink(p):
                            os.chmod(p, os.stat(p).st_mode | 0o200)
                os.chmod(dst, os.stat(dst).st_mode | 0o200)
        if 'root' in spec:
            cmd += ['--dir', os.path.join(tmp, spec['root']) + '::/']
        for d in spec.get('dirs', []):
            cmd += ['--dir', os.path.join(tmp, d) + '::' + d]
        for k, v in spec.get('env', {}).items():
            cmd += ['--env', '%s=%s' % (k, v)]
        cmd += [wasm] + list(spec.get('args', []))
        rc, out, err = run(cmd, tmp)
        if rc is None:
            return 'timed out after %ds' % TIMEOUT
        want = spec.get('exit_code', 0)
        why = []
        if rc != want:
            why.append('exit %s, expected %s' % (rc, want))
        if 'stdout' in spec and out.decode('utf-8', 'replace') != spec['stdout']:
            why.append('stdout %r, expected %r' % (out[:200], spec['stdout'][:200]))
        if 'stderr' in spec and err.decode('utf-8', 'replace') != spec['stderr']:
            why.append('stderr %r, expected %r' % (err[:200], spec['stderr'][:200]))
        if why and err and 'stderr' not in spec:
            why.append('stderr: ' + err.decode('utf-8', 'replace').strip()[-600:])
        return '; '.join(why) or None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def snapshot(d):
    snap = {}
    for r, ds, fs in os.walk(d):
        for x in ds + fs:
            p = os.path.join(r, x)
            rel = os.path.relpath(p, d)
            if os.path.islink(p):
                snap[rel] = 'link:' + os.readlink(p)
            elif os.path.isdir(p):
                snap[rel] = 'dir'
            else:
                snap[rel] = open(p, 'rb').read()
    return snap


def escape_test(zwasm, wasm):
    tmp = tempfile.mkdtemp(prefix='zwasm-escape-')
    try:
        sandbox = os.path.join(tmp, 'sandbox')
        outside = os.path.join(tmp, 'outside')
        os.makedirs(sandbox)
        os.makedirs(outside)
        with open(os.path.join(outside, 'secret'), 'w') as f:
            f.write('secret\n')
        with open(os.path.join(sandbox, 'inside'), 'w') as f:
            f.write('inside\n')
        os.symlink(os.path.join(outside, 'secret'), os.path.join(sandbox, 'abs_file'))
        os.symlink(outside, os.path.join(sandbox, 'abs_dir'))
        os.symlink('../outside', os.path.join(sandbox, 'rel_dir'))
        before = snapshot(outside)
        # 180 host fds: escape/dirstreams holds 100 directory fds, which fit
        # only if the runtime keeps at most 64 directory streams open
        rc, out, err = run([zwasm] + RUN + ['--dir', sandbox + '::/sandbox', wasm,
                            tmp], tmp, max_fds=180)
        why = []
        if rc != 0:
            why.append('exit %s: %s%s' % (rc, out.decode('utf-8', 'replace').strip()[-600:],
                                           err.decode('utf-8', 'replace').strip()[-300:]))
        if snapshot(outside) != before:
            why.append('files outside the sandbox changed')
        extra = set(os.listdir(tmp)) - {'sandbox', 'outside'}
        if extra:
            why.append('created outside the sandbox: %s' % sorted(extra))
        return '; '.join(why) or None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


RACE_MS = int(os.environ.get('WASI_RACE_MS') or 2500)
PROBES = int(os.environ.get('WASI_RACE_PROBES') or 2)
RACE_ALL = os.environ.get('WASI_RACE_ALL') == '1'
RACE_DIR = os.path.join(HERE, 'race')
# the times probe.wasm sets with path_filestat_set_times, and TMP's own
PROBE_ATIME, PROBE_MTIME, OLD_TIME = 1111111111, 1222222222, 1000000000


def race_setup():
    tmp = tempfile.mkdtemp(prefix='zwasm-race-')
    sandbox = os.path.join(tmp, 'sandbox')
    os.makedirs(sandbox)
    with open(os.path.join(tmp, 'secret'), 'w') as f:
        f.write('secret\n')
    os.utime(tmp, (OLD_TIME, OLD_TIME))
    return tmp, sandbox


def race_probes(zwasm, tmp, sandbox, inside_ino):
    """Starts PROBES probe.wasm processes on the sandbox."""
    return [subprocess.Popen([zwasm] + RUN + ['--dir', sandbox + '::/sandbox',
                              os.path.join(RACE_DIR, 'probe.wasm'), str(RACE_MS),
                              str(os.stat(tmp).st_ino), str(inside_ino)] +
                             (['all'] if RACE_ALL else []),
                             cwd=tmp, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT) for _ in range(PROBES)]


def race_running(probes, stop):
    """True while some probe runs, none has escaped (exit 1) and stop is not reached.
    The probes print a few lines only, so their pipes cannot fill up meanwhile."""
    return (any(p.poll() is None for p in probes) and 1 not in [p.returncode for p in probes]
            and time.monotonic() < stop)


def race_finish(tmp, procs):
    """Stops procs (probes, then maybe the flipper), judges their output and the
    outside directory TMP; returns the failure reason or None."""
    escaped = 1 in [p.returncode for p in procs]
    why = []
    if not escaped and any(p.poll() is None for p in procs):
        why.append('timed out after %ds' % TIMEOUT)
    killed = [p for p in procs if p.poll() is None]
    for p in killed:
        p.kill()
    out = ''
    for p in procs:
        o = p.communicate()[0].decode('utf-8', 'replace')
        out += o
        if p.returncode not in (0, 1) and p not in killed:
            why.append('%s exit %s: %s' % (os.path.basename(p.args[4]), p.returncode, o.strip()[-600:]))
    if os.environ.get('WASI_VERBOSE') == '1':
        print(out.rstrip())
    esc = [l for l in out.splitlines() if l.startswith('ESCAPE')]
    if esc:
        why.insert(0, 'sandbox escape: ' + ' | '.join(esc[:3]))
    elif escaped:
        why.append('exit 1 without an escape: %s' % out.strip()[-600:])
    st = os.stat(tmp)
    if int(st.st_mtime) != OLD_TIME or int(st.st_atime) == PROBE_ATIME:
        why.append('the directory outside the sandbox got new timestamps (atime %d, mtime %d%s)' %
                   (st.st_atime, st.st_mtime, ': path_filestat_set_times escaped'
                    if int(st.st_mtime) == PROBE_MTIME else ''))
    extra = set(os.listdir(tmp)) - {'sandbox', 'secret'}
    if extra:
        why.append('created outside the sandbox: %s' % sorted(extra))
    return '; '.join(why) or None


def race_two_guests(zwasm):
    tmp, sandbox = race_setup()
    procs = []
    try:
        procs = race_probes(zwasm, tmp, sandbox, 0)
        procs.append(subprocess.Popen([zwasm] + RUN + ['--dir', sandbox + '::/sandbox',
                                       os.path.join(RACE_DIR, 'flip.wasm'), str(RACE_MS)],
                                      cwd=tmp, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT))
        stop = time.monotonic() + TIMEOUT
        while race_running(procs[:PROBES], stop):
            time.sleep(0.01)
        if 1 not in [p.returncode for p in procs]:
            while procs[-1].poll() is None and time.monotonic() < stop:  # the flipper ends too
                time.sleep(0.01)
        return race_finish(tmp, procs)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(tmp, ignore_errors=True)


def renameat2_exchange():
    """A function (dirfd, name_a, name_b) -> errno swapping two names atomically."""
    libc = ctypes.CDLL(None, use_errno=True)
    fn = getattr(libc, 'renameat2', None)
    if fn is None:  # glibc before 2.28
        nr = {'x86_64': 316, 'aarch64': 276, 'riscv64': 276}.get(platform.machine())
        if nr is None:
            return None
        fn = lambda d1, a, d2, b, fl: libc.syscall(nr, d1, a, d2, b, fl)
    def swap(dirfd, a, b):
        return 0 if fn(dirfd, a, dirfd, b, 2) == 0 else ctypes.get_errno()  # RENAME_EXCHANGE
    return swap


def race_host_swap(zwasm):
    tmp, sandbox = race_setup()
    dfd = None
    probes = []
    try:
        os.makedirs(os.path.join(sandbox, 'sw'))
        os.symlink('..', os.path.join(sandbox, 'swl'))
        inside = os.stat(os.path.join(sandbox, 'sw')).st_ino
        swap = renameat2_exchange()
        if swap is None:
            return 'renameat2 is not available'
        dfd = os.open(sandbox, os.O_RDONLY | os.O_DIRECTORY)
        a, b = ctypes.c_char_p(b'sw'), ctypes.c_char_p(b'swl')
        err = swap(dfd, a, b)
        if err:
            return 'renameat2(RENAME_EXCHANGE) failed: %s' % os.strerror(err)
        probes = race_probes(zwasm, tmp, sandbox, inside)
        swaps, stop = 1, time.monotonic() + TIMEOUT
        while race_running(probes, stop):
            for _ in range(256):
                swap(dfd, a, b)
            swaps += 256
        if os.environ.get('WASI_VERBOSE') == '1':
            print('host-swap: %d swaps' % swaps)
        return race_finish(tmp, probes)
    finally:
        for p in probes:
            if p.poll() is None:
                p.kill()
                p.wait()
        if dfd is not None:
            os.close(dfd)
        shutil.rmtree(tmp, ignore_errors=True)


# CLI wiring checks: (name, zwasm run arguments with {D} = tests/wasi/cli,
# expected exit status, expected stdout or None, stderr substring or None).
CLI_TESTS = [
    ('args', ['{D}/args.wat', 'a', 'b c', ''], 0, b'{D}/args.wat\0a\0b c\0\0', None),
    ('args-after-options', ['--env', 'X=1', '{D}/args.wat', '--env'], 0,
     b'{D}/args.wat\0--env\0', None),
    ('environ', ['--env', 'K=V', '--env', 'E=a=b', '{D}/environ.wat'], 0, b'K=V\0E=a=b\0', None),
    ('environ-empty', ['{D}/environ.wat'], 0, b'', None),
    ('inherit-env', ['--inherit-env', '{D}/environ.wat'], 0, None, None),
    ('exit-code', ['{D}/exit.wat'], 42, b'bye\n', None),
    ('trap', ['{D}/trap.wat'], 3, b'', 'unreachable'),
    ('unresolved-import', ['{D}/unresolved.wat'], 1, b'', 'env.nothing'),
    ('reactor', ['{D}/reactor.wat'], 0, b'init\n', None),
    ('reactor-invoke', ['--invoke', 'f', '{D}/reactor.wat'], 0, b'init\nf\n5\n', None),
    ('initialize-then-start', ['{D}/command.wat'], 0, b'init\nstart\n', None),
    ('bad-dir', ['--dir', '/nonexistent/zwasm', '{D}/args.wat'], 1, b'', 'nonexistent'),
]


def cli_test(zwasm, args, want_rc, want_out, want_err):
    d = os.path.join(HERE, 'cli')
    args = [a.replace('{D}', d) for a in args]
    if want_out is not None:
        want_out = want_out.replace(b'{D}', d.encode())
    env_before = dict(os.environ)
    rc, out, err = run([zwasm] + RUN + args, HERE)
    why = []
    if rc != want_rc:
        why.append('exit %s, expected %s' % (rc, want_rc))
    if want_out is not None and out != want_out:
        why.append('stdout %r, expected %r' % (out[:300], want_out[:300]))
    if want_out is None and '--inherit-env' in args:
        # every host variable must reach the guest
        got = set(out.split(b'\0'))
        missing = [k for k, v in env_before.items() if ('%s=%s' % (k, v)).encode() not in got]
        if missing:
            why.append('host variables missing in the guest: %s' % missing[:5])
    if want_err is not None and want_err not in err.decode('utf-8', 'replace'):
        why.append('stderr %r lacks %r' % (err[:300], want_err))
    return '; '.join(why) or None


def main():
    if len(sys.argv) != 2:
        sys.stderr.write('usage: run.py ZWASM\n')
        return 2
    zwasm = os.path.abspath(sys.argv[1])
    wasi_dir = os.environ.get('WASI_DIR') or os.path.join(ROOT, '..', 'shared', 'wasi')
    filt = os.environ.get('WASI_FILTER', '')
    verbose = os.environ.get('WASI_VERBOSE') == '1'
    known = load_known(os.path.join(HERE, 'known-failures.txt'))
    tests = []
    for suite in ('c', 'rust', 'assemblyscript'):
        d = os.path.join(wasi_dir, suite)
        if not os.path.isdir(d):
            print('wasi: missing suite directory %s' % d)
            tests.append(('%s/(suite)' % suite, lambda: 'suite directory missing'))
            continue
        for f in sorted(os.listdir(d)):
            if f.endswith('.wasm'):
                n = f[:-5]
                tests.append(('%s/%s' % (suite, n), lambda d=d, n=n: suite_test(zwasm, d, n)))
    edir = os.path.join(HERE, 'escape')
    if os.path.isdir(edir):
        for f in sorted(os.listdir(edir)):
            if f.endswith('.wasm'):
                p = os.path.join(edir, f)
                tests.append(('escape/%s' % f[:-5], lambda p=p: escape_test(zwasm, p)))
    if os.path.isdir(RACE_DIR):
        tests.append(('race/two-guests', lambda: race_two_guests(zwasm)))
        tests.append(('race/host-swap', lambda: race_host_swap(zwasm)))
    for name, args, rc, out, err in CLI_TESTS:
        tests.append(('cli/%s' % name, lambda a=args, r=rc, o=out, e=err: cli_test(zwasm, a, r, o, e)))
    passed = failed = skipped = 0
    for name, fn in tests:
        if filt and filt not in name:
            continue
        why = fn()
        if name in known:
            if why:
                skipped += 1
                if verbose:
                    print('skip %s: %s' % (name, known[name]))
            else:
                failed += 1
                print('FAIL %s: passes but is listed in known-failures.txt (stale entry)' % name)
        elif why:
            failed += 1
            print('FAIL %s: %s' % (name, why))
        else:
            passed += 1
            if verbose:
                print('ok   %s' % name)
    print('wasi: %d passed, %d failed, %d skipped' % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
