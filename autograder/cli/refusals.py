"""Why a command refuses to run, in zh-TW and English (instructor-facing, exit status 2).

A `Refusal` is raised for a usage error or a known machine problem; the command line
prints its text — never a traceback — and exits with status 2.
"""

TEXTS = {
    "no_course": (
        "找不到課程：{root} 裡沒有 solutions/ 和 exercises/。請用 --course DIR 或環境變數 "
        "AUTOGRADER_COURSE_ROOT 指向課程資料夾（課程儲存庫的 checkout）。",
        "No course found: {root} has no solutions/ and exercises/. Point --course DIR or the "
        "AUTOGRADER_COURSE_ROOT variable at a course folder (a checkout of the course repository).",
    ),
    "no_path": (
        "{path}：沒有這個檔案或資料夾。",
        "{path}: no such file or folder.",
    ),
    "no_course_file": (
        "{path} 裡沒有任何課程檔案。預期的是 {expected}（可以放在一個資料夾或 .zip 裡），"
        "或 nbgrader 的作業筆記本（01_convolution.ipynb …）。",
        "{path} holds no course file. Expected {expected} (in a folder or a .zip), or the "
        "nbgrader assignment notebooks (01_convolution.ipynb …).",
    ),
    "not_a_folder": (
        "{path} 不是資料夾：batch 要一個班級資料夾（每位學生一個資料夾或 .zip）。",
        "{path} is not a folder: batch takes a class folder (one folder or .zip per student).",
    ),
    "empty_class": (
        "{root} 裡沒有任何學生的繳交。預期每位學生一個資料夾或 .zip，或 nbgrader 的 "
        "submitted/<學生>/<作業>/。",
        "{root} holds no submission. Expected one folder or .zip per student, or nbgrader's "
        "submitted/<student>/<assignment>/.",
    ),
    "jobs": (
        "--jobs 必須是 1 以上的整數，得到 {value!r}。",
        "--jobs must be a whole number of at least 1, got {value!r}.",
    ),
    "out_is_root": (
        "--out {out} 就是繳交資料夾 {root}，或包含它：成績簿和報告會和學生的繳交混在一起。請把 --out 放在別處。",
        "--out {out} is the submissions folder {root} or holds it: the gradebook and reports would mix "
        "with the students' submissions. Put --out somewhere else.",
    ),
    "bundle_is_folder": (
        "{out} 是一個資料夾：gradescope-bundle 要寫的是一個 .zip 檔，例如 {example}。",
        "{out} is a folder: gradescope-bundle writes a .zip file, such as {example}.",
    ),
    "no_namespaces": (
        "--isolation namespaces 需要 bubblewrap（bwrap），但它沒有安裝，或在這台機器上無法建立命名空間"
        "（容器裡常見）。請安裝 bubblewrap（apt-get install bubblewrap）、允許非特權使用者命名空間，"
        "或改用 --isolation auto。",
        "--isolation namespaces needs bubblewrap (bwrap), which is missing or cannot create namespaces "
        "on this machine (common in containers). Install bubblewrap (apt-get install bubblewrap), allow "
        "unprivileged user namespaces, or use --isolation auto.",
    ),
    "release_leak": (
        "學生套件會洩漏解答或隱藏測試，所以什麼都沒有寫出。請修正 exercises/（或執行 autograder build）：\n{problems}",
        "The student bundle would leak a solution or a hidden test, so nothing was written. Fix "
        "exercises/ (or run autograder build):\n{problems}",
    ),
    "build_installed": (
        "autograder build 重新產生課程 checkout 裡的檔案，但這裡用的是隨套件安裝的課程副本（{root}）。"
        "請用 --course DIR 指向課程儲存庫的 checkout。",
        "autograder build regenerates the files of a course checkout, but this is the copy installed with "
        "the package ({root}). Point --course DIR at a checkout of the course repository.",
    ),
    "build_edited": (
        "這些產生的檔案被手動修改過（裡面有寫好的練習），autograder build 不會覆蓋它們：\n{files}\n"
        "它們是從 solutions/ 產生的；要丟掉這些修改請加上 --force。學生請在 autograder release 的套件裡作答。",
        "These generated files were edited by hand (they hold written exercises); autograder build will "
        "not overwrite them:\n{files}\nThey are generated from solutions/; add --force to discard the "
        "edits. Students work in the autograder release bundle.",
    ),
}


class Refusal(Exception):
    """A command cannot run as asked; ``str()`` is the zh-TW and English text."""

    def __init__(self, key, **fields):
        self.key = key
        self.fields = fields
        zh, en = TEXTS[key]
        self.text = {"zh-TW": zh.format(**fields), "en": en.format(**fields)}
        super().__init__(f"{self.text['zh-TW']}\n{self.text['en']}")
