"""One submission's box: fresh namespaces and file systems, no privileges, a seccomp
filter. Runs inside the sandbox, in the process that then serves the submission's
children (the zygote forks it per submission).

A box is made in this order, by trusted code only:

1. ``unshare`` a mount, IPC and PID namespace (with namespaces): the box's ``/tmp``,
   ``/dev/shm`` and ``/scratch`` are new tmpfs mounts of a bounded size and number of
   files, SysV IPC and POSIX message queues start empty, and the box's first process
   is the init of its own PID namespace, so ending it ends everything the submission
   started. A new ``/proc`` shows only the box; ``/proc/sys`` and the other kernel
   interfaces in it are read-only.
2. Drop privileges: as root, to the box's own unprivileged uid and gid (never mapped
   to root: the host sees that uid); otherwise every capability is cleared.
3. ``no_new_privs`` and a seccomp filter (libseccomp) that refuses what grading never
   needs: new namespaces (nested user namespaces included), mounts, tracing other
   processes, BPF, perf, keyrings, kernel modules, kexec, userfaultfd, io_uring, …

Nothing here imports anything outside the standard library but ``pyseccomp``.
"""

import ctypes
import errno
import os

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_NEWTIME = 0x00000080
NAMESPACE_FLAGS = (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER
                   | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWTIME)

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18

PR_SET_NO_NEW_PRIVS = 38

#: Kernel interfaces under /proc that a box may read but never write.
PROC_READ_ONLY = ("sys", "sysrq-trigger", "irq", "bus", "fs")

#: System calls a box never needs (refused with EPERM; ``clone3`` with ENOSYS, so the C
#: library falls back to ``clone``, whose namespace flags the filter can see).
REFUSED = (
    "unshare", "setns", "mount", "umount", "umount2", "pivot_root", "chroot", "mount_setattr", "move_mount",
    "open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd",
    "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "keyctl", "add_key", "request_key",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
    "reboot", "swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "syslog", "vhangup",
    "iopl", "ioperm", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "sethostname",
    "setdomainname", "open_by_handle_at", "name_to_handle_at", "lookup_dcookie", "fanotify_init",
    "nfsservctl", "uselib", "_sysctl", "create_module", "get_kernel_syms", "query_module",
)


class BoxError(RuntimeError):
    """The box could not be made as asked (the worker restarts the sandbox)."""


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _check(result, what):
    if result != 0:
        code = ctypes.get_errno()
        raise BoxError(f"{what}: {os.strerror(code)}")


def unshare(flags):
    _check(_libc().unshare(ctypes.c_int(flags)), "unshare")


def mount(source, target, fstype, flags=0, data=None):
    libc = _libc()
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    result = libc.mount(source.encode() if source else None, target.encode(), fstype.encode() if fstype else None,
                        flags, data.encode() if data else None)
    _check(result, f"mount {target}")


def _tmpfs(target, size, inodes, mode, owner):
    options = f"size={int(size)},nr_inodes={int(inodes)},mode={mode}"
    if owner is not None:
        options += f",uid={owner[0]},gid={owner[1]}"
    mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, options)


def _read_only(path):
    if not os.path.exists(path):
        return
    mount(path, path, None, MS_BIND | MS_REC)
    mount(None, path, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)


def enter_namespaces():
    """Give the calling process new mount, IPC and PID namespaces (its next child is
    the init of the new PID namespace)."""
    unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWPID)
    mount(None, "/", None, MS_REC | MS_PRIVATE)


def build_file_systems(settings, owner):
    """Fresh, bounded ``/tmp``, ``/dev/shm`` and scratch, a ``/proc`` of this PID
    namespace with its kernel interfaces read-only. Called in the new PID namespace's
    init, before privileges are dropped.

    Parameters
    ----------
    settings : dict
        ``scratch`` (path), ``tmp_bytes``, ``shm_bytes``, ``scratch_bytes``, ``inodes``.
    owner : tuple of int or None
        ``(uid, gid)`` the scratch folder belongs to (the box's user).
    """
    inodes = int(settings.get("inodes") or 4096)
    _tmpfs("/tmp", settings["tmp_bytes"], inodes, "1777", None)
    if os.path.isdir("/dev/shm"):
        _tmpfs("/dev/shm", settings["shm_bytes"], inodes, "1777", None)
    _tmpfs(settings["scratch"], settings["scratch_bytes"], inodes, "0700", owner)
    try:
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except BoxError:
        pass  # a user namespace may not mount proc over bubblewrap's; that one stays
    for name in PROC_READ_ONLY:
        _read_only(f"/proc/{name}")


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def clear_capabilities():
    """Empty the effective, permitted and inheritable sets (the ambient set follows)."""
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    _check(_libc().capset(ctypes.byref(header), data), "capset")


def drop_privileges(owner):
    """Become ``owner`` ``(uid, gid)`` when root; in any case hold no capability."""
    if owner is not None and os.getuid() == 0:
        os.setgroups([])
        os.setresgid(owner[1], owner[1], owner[1])
        os.setresuid(owner[0], owner[0], owner[0])
    clear_capabilities()


def seccomp_available():
    """Whether libseccomp and its binding can build a filter here."""
    try:
        import pyseccomp

        pyseccomp.SyscallFilter(pyseccomp.ALLOW)
    except Exception:  # noqa: BLE001 - ImportError, OSError, AttributeError of a missing library
        return False
    return True


_PREPARED = []


def prepare_seccomp():
    """Build the filter once (in the zygote); each box forked from it only loads it."""
    if not _PREPARED and seccomp_available():
        _PREPARED.append(_build_filter())


def load_seccomp():
    """Set ``no_new_privs`` and load the filter (`REFUSED`, and ``clone`` with any
    namespace flag).

    Raises
    ------
    BoxError
        libseccomp is not available.
    """
    _check(_libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    try:
        policy = _PREPARED[0] if _PREPARED else _build_filter()
    except (ImportError, OSError) as exc:
        raise BoxError(f"seccomp is not available: {exc}") from None
    policy.load()


def _build_filter():
    import pyseccomp as seccomp

    policy = seccomp.SyscallFilter(seccomp.ALLOW)
    for name in REFUSED:
        try:
            policy.add_rule(seccomp.ERRNO(errno.EPERM), name)
        except (OSError, ValueError, RuntimeError):
            pass  # not a system call of this architecture
    policy.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    for flag in (CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID,
                 CLONE_NEWNET, CLONE_NEWTIME):
        policy.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    return policy


def seal(settings, owner):
    """Steps 2 and 3: drop privileges, then the seccomp filter."""
    drop_privileges(owner)
    if settings.get("seccomp", True):
        load_seccomp()
