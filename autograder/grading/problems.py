"""What can go wrong for an item, as exceptions that carry a status and a message.

Graders do not catch these: they propagate out of the test, and the pytest plugin turns
them into the item's result (`status` from the contract, `message` in zh-TW and en).
"""


class ItemProblem(Exception):
    """Base: the item did not pass.

    Parameters
    ----------
    message : dict
        ``{"zh-TW": …, "en": …}`` from `autograder.course.messages`.
    details : dict, optional
        Extra data for reports (such as expected and returned images); not part of the
        contract's result.
    """

    status = "failed"

    def __init__(self, message, details=None):
        super().__init__(message.get("en", ""))
        self.message = message
        self.details = details or {}


class Mismatch(ItemProblem, AssertionError):
    """The student's value differs from the reference's (status ``failed``)."""

    status = "failed"


class NotImplementedByStudent(ItemProblem):
    """The function still raises NotImplementedError, or the answer is still None."""

    status = "not_implemented"


class Missing(ItemProblem):
    """The file, or a name in it, is not in the submission."""

    status = "missing"


class StudentError(ItemProblem):
    """The student's code raised, ended the process, could not be imported, or sent
    back something that is not data."""

    status = "error"


class StudentTimeout(ItemProblem):
    """A call or an import went over its time limit and was killed."""

    status = "timeout"


class PartialCredit(ItemProblem):
    """The item earns part of its points (``score``), e.g. a model below the top
    accuracy band. Status ``failed``."""

    status = "failed"

    def __init__(self, message, score, details=None):
        super().__init__(message, details)
        self.score = float(score)


class NotGraded(ItemProblem):
    """The grading machine lacks what the item needs (TensorFlow, the real CIFAR-10).

    Status ``not_graded``: never the student's fault, so the item counts in neither
    score nor maximum (both 0); the message says what the machine needs.
    """

    status = "not_graded"
