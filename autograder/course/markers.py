"""nbgrader's solution markers, and what a stub puts in their place.

The same text goes into the stub files and into nbgrader's ``ClearSolutions``
configuration (``nbgrader_config.py`` at the course root), so a stub and a release notebook look
alike to a student.
"""

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN_TESTS = "### BEGIN HIDDEN TESTS"
END_HIDDEN_TESTS = "### END HIDDEN TESTS"

CODE_STUB = "# 請在這裡寫你的程式 — YOUR CODE HERE\nraise NotImplementedError()"
ANSWER_STUB = "None  # 請填入你的答案 — fill in your answer"
