"""What runs inside the student's child process, and the wire format both sides share.

This package is the only part of ``autograder`` the sandbox can see. It must not import
anything else from ``autograder`` (the graders and the reference solutions stay
outside the sandbox), and it holds nothing secret.

- `codec`: values as data — JSON plus raw array bytes, no pickle.
- `protocol`: length-prefixed frames on a socket.
- `zygote`: the warm process that forks one child per submission.
- `server`: the child: imports the student's modules and answers calls.
- `trusted`: grader-owned callables (``grad_fn``, ``f``) and composite drivers.
"""
