"""The message catalog: every text a student or an instructor reads, in zh-TW and English.

The one place of the project's wording: the graders' messages, the reports' labels
(statuses, column headings, page headings — the terminal, the feedback pages, the
summary and the notebook checks all read them here), why a notebook cannot be read,
and why a command refuses to run.

``text("timeout", call="conv2d(...)", seconds=5)`` gives
``{"zh-TW": "...", "en": "..."}``; ``text_in("timeout", "en", ...)`` the English text
alone. Keep both languages saying the same thing; ``tests/test_messages.py`` checks
that every entry has both, that their placeholders agree, and that every entry is used.
"""

LANGS = ("zh-TW", "en")

CATALOG = {
    "passed": ("通過。", "Passed."),
    "not_implemented": (
        "{name} 尚未實作（它還在 raise NotImplementedError）。",
        "{name} is not written yet (it still raises NotImplementedError).",
    ),
    "answer_missing": (
        "{name} 尚未填寫（它還是 None）。",
        "{name} is not filled in yet (it is still None).",
    ),
    "file_missing": (
        "找不到 {file}：你的繳交內容裡沒有這個檔案，所以這一項是 0 分。",
        "{file} is missing from your submission, so this item scores 0.",
    ),
    "name_missing": (
        "{file} 裡沒有 {name}：請不要刪除或改名。",
        "{file} has no {name}: do not delete or rename it.",
    ),
    "not_callable": (
        "{name} 應該是一個函式，但它是 {type}。",
        "{name} should be a function, but it is a {type}.",
    ),
    "import_failed": (
        "{file} 無法匯入：{type}: {message}{where}",
        "{file} could not be imported: {type}: {message}{where}",
    ),
    "import_syntax": (
        "{file} 有語法錯誤：{message}{where}",
        "{file} has a syntax error: {message}{where}",
    ),
    "import_timeout": (
        "匯入 {file} 超過 {seconds} 秒而被中止：檔案最上層是不是有無窮迴圈或很久的計算？",
        "Importing {file} took over {seconds} s and was stopped: is there an endless loop or a long "
        "computation at the top level of the file?",
    ),
    "import_died": (
        "匯入 {file} 時程式結束了（{how}）。",
        "The program ended while {file} was being imported ({how}).",
    ),
    "raised": (
        "呼叫 {call} 時發生例外 {type}: {message}{where}",
        "Calling {call} raised {type}: {message}{where}",
    ),
    "memory_error": (
        "呼叫 {call} 時記憶體不足（MemoryError）：是不是建立了太大的陣列？",
        "Calling {call} ran out of memory (MemoryError): is it making a huge array?",
    ),
    "exit": (
        "{call} 呼叫了 sys.exit()／exit()：請用 return 回傳結果，不要結束程式。",
        "{call} called sys.exit()/exit(): return the result instead of ending the program.",
    ),
    "timeout": (
        "{call} 超過時間限制（{seconds} 秒）而被中止：可能是無窮迴圈，或是迴圈太多、沒有向量化。",
        "{call} went over the time limit ({seconds} s) and was stopped: an endless loop, or too many "
        "Python loops instead of vectorised NumPy?",
    ),
    "cpu_timeout": (
        "{call} 用掉的 CPU 時間超過上限（{seconds} 秒）而被中止。",
        "{call} used more than its CPU time limit ({seconds} s) and was stopped.",
    ),
    "died": (
        "呼叫 {call} 時程式結束了（{how}），沒有回傳結果。",
        "The program ended during {call} ({how}) without returning a result.",
    ),
    "how_exit": ("結束碼 {code}", "exit code {code}"),
    "how_signal": ("被訊號 {signal} 終止", "killed by {signal}"),
    "how_unknown": ("它所在的沙盒也結束了，已重新啟動", "its sandbox ended too and was started again"),
    "unsendable": (
        "{call} 回傳的值無法交給評分程式：{message}",
        "The value {call} returned cannot be passed to the grader: {message}",
    ),
    "protocol_broken": (
        "評分程式從你的程式收到的回覆不是有效的資料（你的程式是否改動了 autograder 的模組？）：{detail}",
        "The grader received a reply from your code that is not valid data (did your code change "
        "autograder's modules?): {detail}",
    ),
    "returned_none": (
        "{call} 回傳了 None：是不是忘了 return？",
        "{call} returned None: did you forget `return`?",
    ),
    "unsupported": (
        "{call} 回傳了 {type} 物件；應該回傳{expected}。",
        "{call} returned a {type} object; it should return {expected}.",
    ),
    "not_numbers": (
        "{call} 回傳的不是數字（{type}）；應該回傳{expected}。",
        "{call} did not return numbers ({type}); it should return {expected}.",
    ),
    "complex_values": (
        "{call} 回傳了複數；應該是實數。",
        "{call} returned complex numbers; they should be real.",
    ),
    "wrong_shape": (
        "{call}：形狀不對，應為 {expected}，得到 {got}。",
        "{call}: wrong shape, expected {expected}, got {got}.",
    ),
    "wrong_values": (
        "{call}：數值不對，{count}/{total} 個元素超出容許誤差。第一個不同的位置 {index}：應為 {expected}，"
        "得到 {got}；最大誤差 {max_error}。",
        "{call}: wrong values, {count} of {total} elements are off. First difference at {index}: "
        "expected {expected}, got {got}; largest error {max_error}.",
    ),
    "wrong_value": (
        "{call}：應為 {expected}，得到 {got}（誤差 {max_error}）。",
        "{call}: expected {expected}, got {got} (error {max_error}).",
    ),
    "not_finite": (
        "{call}：結果在 {index} 是 {got}，應為 {expected}（不應出現 nan 或 inf）。",
        "{call}: the result at {index} is {got}, expected {expected} (no nan or inf should appear).",
    ),
    "arrays_side_by_side": ("應為：\n{expected}\n得到：\n{got}", "expected:\n{expected}\ngot:\n{got}"),
    "not_int": (
        "{call} 應回傳整數（int），得到 {type} {got}。",
        "{call} should return an integer (int), got {type} {got}.",
    ),
    "wrong_int": ("{call}：應為 {expected}，得到 {got}。", "{call}: expected {expected}, got {got}."),
    "wrong_type": ("{call} 應回傳{expected}，得到 {got}。", "{call} should return {expected}, got {got}."),
    "wrong_length": (
        "{call} 應回傳 {expected} 個元素，得到 {got} 個。",
        "{call} should return {expected} elements, got {got}.",
    ),
    "wrong_keys": (
        "{call} 回傳的 dict 的鍵應為 {expected}，得到 {got}。",
        "The dict {call} returned should have the keys {expected}, got {got}.",
    ),
    "mutated": (
        "{call} 修改了傳進去的輸入 {names}：函式不可以改動它的輸入（需要時先複製，例如 x = x.copy()）。",
        "{call} modified its input {names}: a function must leave its inputs as they were "
        "(copy first when needed, e.g. x = x.copy()).",
    ),
    "warned": (
        "{call} 發出了警告（{warnings}）：數值穩定的寫法不會有這個警告。",
        "{call} raised a warning ({warnings}): a numerically stable version does not.",
    ),
    "printed": ("（你的程式印出了：{output}）", "(your code printed: {output})"),
    "grader_fault": (
        "評分程式內部錯誤，這不是你的錯，請通知助教。（{detail}）",
        "Internal grader error — not your fault; please tell the course staff. ({detail})",
    ),
    "unreadable": (
        "無法讀取這份繳交：{reason}",
        "This submission could not be read: {reason}",
    ),
    "notebook_broken": (
        "筆記本 {file} 無法讀取：{reason}",
        "The notebook {file} could not be read: {reason}",
    ),
    # Why a file cannot be read (the {reason} of "unreadable" and "notebook_broken").
    "intake_not_utf8": (
        "它不是 UTF-8 文字（第 {position} 個位元組是 {byte}）：請用 UTF-8 存檔",
        "it is not UTF-8 text (byte {byte} at position {position}): save it as UTF-8",
    ),
    "intake_binary": (
        "它是二進位檔（{kind}），不是筆記本：請繳交 Jupyter 存的 .ipynb 檔",
        "it is a binary file ({kind}), not a notebook: hand in the .ipynb file Jupyter saved",
    ),
    "intake_not_json": (
        "它不是有效的 JSON（{detail}）：檔案可能壞了，請在 Jupyter 裡重新存檔",
        "it is not valid JSON ({detail}): the file may be damaged; save it again from Jupyter",
    ),
    "intake_too_deep": (
        "它的 JSON 巢狀超過 {limit} 層，Jupyter 存的筆記本不會這樣",
        "its JSON nests more than {limit} levels deep, which no notebook Jupyter saves does",
    ),
    "intake_no_cells": (
        "裡面沒有儲存格清單（\"cells\" 應該是一個清單）：這不是 Jupyter 筆記本",
        "it has no list of cells (\"cells\" should be a list): it is not a Jupyter notebook",
    ),
    "intake_bad_cell": (
        "第 {n} 個儲存格的 {field} 應該是{want}，但它是 {got}",
        "in cell {n}, {field} should be {want}, but it is {got}",
    ),
    "intake_no_answers": (
        "找不到 {unit} 的任何作答儲存格（依 grade_id）：是不是換成了別的筆記本？",
        "none of the answer cells of {unit} were found (by grade_id): was the notebook replaced?",
    ),
    "intake_zip_invalid": (
        "{file} 不是有效的 zip 壓縮檔（{detail}）",
        "{file} is not a valid zip archive ({detail})",
    ),
    "intake_zip_unsafe": (
        "{file} 裡有不安全的路徑 {member}（絕對路徑或含 ..）：這個壓縮檔不會被打開",
        "{file} has an unsafe path {member} (absolute, or with ..): the archive is not unpacked",
    ),
    "intake_zip_entries": (
        "{file} 裡有超過 {limit} 個項目",
        "{file} has more than {limit} entries",
    ),
    "intake_zip_member": (
        "無法從壓縮檔 {file} 讀出 {member}（{detail}）",
        "{member} cannot be read from the archive {file} ({detail})",
    ),
    "intake_too_large": (
        "{file} 大於 {limit} MB",
        "{file} is larger than {limit} MB",
    ),
    "intake_total_too_large": (
        "課程檔案加起來超過 {limit} MB",
        "the course files add up to more than {limit} MB",
    ),
    "intake_cannot_read": (
        "無法讀取 {file}（{detail}）",
        "{file} cannot be read ({detail})",
    ),
    "intake_no_course_files": (
        "找不到任何課程檔案（convolution.py …，或作業的筆記本）",
        "no course files were found (convolution.py, …, or the assignment notebooks)",
    ),
    # The JSON types a notebook's field may have (the {want} and {got} of "intake_bad_cell").
    "intake_type_object": ("物件", "an object"),
    "intake_type_list": ("清單", "a list"),
    "intake_type_text": ("文字", "text"),
    "intake_type_bool": ("true/false", "true/false"),
    "intake_type_number": ("數字", "a number"),
    "intake_type_null": ("null", "null"),
    "intake_want_object": (" JSON 物件", "a JSON object"),
    "intake_want_text": ("文字（或文字的清單）", "text (or a list of text)"),
    "intake_want_grade_id": ("文字", "text"),
    "intake_want_bool": (" true 或 false", "true or false"),
    "expected_array": ("一個 NumPy 陣列", "a NumPy array"),
    "expected_number": ("一個數字", "a number"),
    "expected_dict": ("一個 dict", "a dict"),
    "expected_tuple": ("一個 tuple", "a tuple"),
    "expected_list": ("一個 list", "a list"),
    # The reports' labels (autograder.reports: terminal tables, feedback pages, summary).
    "status_passed": ("通過", "passed"),
    "status_failed": ("錯誤答案", "failed"),
    "status_error": ("執行錯誤", "error"),
    "status_timeout": ("逾時", "timeout"),
    "status_missing": ("缺少", "missing"),
    "status_not_implemented": ("尚未實作", "not written"),
    "status_not_graded": ("未評分", "not graded"),
    "head_unit": ("單元", "Unit"),
    "head_item": ("項目", "Item"),
    "head_exercise": ("練習", "Exercise"),
    "head_status": ("狀態", "Status"),
    "head_points": ("得分", "Points"),
    "head_total": ("總分", "Total"),
    "head_problems": ("未通過的項目", "Items not passed"),
    "head_submission": ("繳交", "submission"),
    "lang_name": ("中文", "English"),  # each language's own name for itself
    "not_graded_tensorflow": (
        "單元 {number} {unit} 有 {count} 項未評分：這台機器沒有安裝 TensorFlow。"
        "這些項目不計入得分也不計入滿分。安裝後重新評分：{install}",
        "Unit {number} {unit}: {count} items NOT GRADED: TensorFlow is not installed on this machine. "
        "Those items count in neither score nor maximum. Install it and grade again: {install}",
    ),
    "not_graded_data": (
        "單元 {number} {unit} 有 {count} 項未評分：這台機器沒有真正的 CIFAR-10 測試集"
        "（設定 AUTOGRADER_CIFAR10，或放進 Keras 快取 ~/.keras/datasets）。",
        "Unit {number} {unit}: {count} items NOT GRADED: the real CIFAR-10 test set is not on this machine "
        "(set AUTOGRADER_CIFAR10, or put it in the Keras cache ~/.keras/datasets).",
    ),
    # The notebook checks (autograder.authoring.in_kernel: check() and grade()).
    "check_not_passed": ("未通過", "not passed"),
    "check_points": ("得分", "points"),
    "check_no_tests": ("沒有公開測試", "no public tests"),
    "check_tests_failed": ("有公開測試沒有通過", "some public tests did not pass"),
    # Feedback pages (autograder.reports.feedback): headings and captions.
    "page_title": ("{name} 的評分回饋", "Feedback for {name}"),
    "page_all_passed": ("全部通過，做得好！", "Every item passed — well done!"),
    "page_not_gradable": (
        "這份繳交無法評分，原因寫在下面每一項裡。",
        "This submission could not be graded; each item below says why.",
    ),
    "page_problems_intro": (
        "每一項都寫出呼叫了什麼、應該得到什麼、實際得到什麼。",
        "Each item says what was called, what was expected and what came back.",
    ),
    "page_hidden": ("隱藏測試", "hidden test"),
    "page_exercise": ("練習 {exercise}", "exercise {exercise}"),
    "page_picture_expected": ("應為", "expected"),
    "page_picture_got": ("得到", "got"),
    "page_picture_none": (
        "回傳的值不是二維陣列，無法畫成圖。",
        "What came back is not a 2-D array, so it cannot be drawn.",
    ),
    "page_picture_downsampled": (
        "由 {height}×{width} 縮小顯示（每 {step} 列、每 {step} 行取一個）。",
        "Shown downsampled from {height}×{width} (every {step}th row and column).",
    ),
    "page_pictures_note": (
        "兩張圖使用同一個灰階範圍（應得結果的最小值到最大值），所以亮度不同就代表數值不同。",
        "Both pictures share one grey scale (the range of the expected result), so a difference "
        "in brightness is a difference in the values.",
    ),
    # Class summary page (autograder.reports.summary).
    "summary_title": ("全班成績摘要", "Class summary"),
    "summary_submissions": ("繳交份數", "Submissions"),
    "summary_mean": ("平均", "Mean"),
    "summary_median": ("中位數", "Median"),
    "summary_max": ("最高分", "Highest"),
    "summary_out_of": ("滿分 {max_score}", "out of {max_score}"),
    "summary_histogram": ("總分分布", "Distribution of total scores"),
    "summary_axis_score": ("總分（滿分 {max_score}）", "Total score (out of {max_score})"),
    "summary_axis_count": ("人數", "Submissions"),
    "summary_units": ("各單元平均分數", "Mean score per unit"),
    "summary_mean_score": ("平均分數", "Mean score"),
    "summary_items": ("各項目通過率（最難的在前）", "Pass rate of every item (hardest first)"),
    "summary_pass_rate": ("通過率", "Pass rate"),
    "summary_passed": ("通過／繳交", "Passed / submissions"),
    "summary_empty": ("還沒有任何繳交。", "No submissions yet."),
    "summary_assignment": ("作業 {assignment}：{title}", "Assignment {assignment}: {title}"),
    # The command line (autograder.cli): how student code is isolated (the top of a
    # Gradescope results.json), notes to the instructor.
    "isolation_namespaces": (
        "隔離：Linux 命名空間（bubblewrap）加上資源限制。",
        "Isolation: Linux namespaces (bubblewrap) and resource limits.",
    ),
    "isolation_limits": ("隔離：只有資源限制{why}{as_root}。", "Isolation: resource limits only{why}{as_root}."),
    "isolation_why_auto": ("（bubblewrap 無法在這裡建立命名空間）", " (bubblewrap cannot create namespaces here)"),
    "isolation_why_limits": ("（--isolation limits）", " (--isolation limits)"),
    "isolation_as_root": ("；評分程式以 root 執行", "; the grader runs as root"),
    "isolation_sandbox": ("沙盒: {sandbox}.", "Sandbox: {sandbox}."),
    "cli_out_inside_root": (
        "--out {out} 在繳交資料夾裡，不把它當成學生評分",
        "--out {out} is inside the submissions folder; it is not graded as a student.",
    ),
    "gradescope_could_not_run": (  # Gradescope's run_autograder, when the grader cannot even start
        "評分程式無法執行（結束代碼 {status}），請通知助教。",
        "The autograder could not run (exit status {status}); please tell the course staff.",
    ),
    "cli_graders_failed": ("評分程式本身出錯", "the graders failed"),
    "cli_interrupted": ("已中斷", "interrupted"),
    # Why a command refuses to run (autograder.cli.refusals: exit status 2).
    "refusal_no_course": (
        "找不到課程：{root} 裡沒有 solutions/ 和 exercises/。請用 --course DIR 或環境變數 "
        "AUTOGRADER_COURSE_ROOT 指向課程資料夾（課程儲存庫的 checkout）。",
        "No course found: {root} has no solutions/ and exercises/. Point --course DIR or the "
        "AUTOGRADER_COURSE_ROOT variable at a course folder (a checkout of the course repository).",
    ),
    "refusal_no_path": (
        "{path}：沒有這個檔案或資料夾。",
        "{path}: no such file or folder.",
    ),
    "refusal_no_course_file": (
        "{path} 裡沒有任何課程檔案。預期的是 {expected}（可以放在一個資料夾或 .zip 裡），"
        "或 nbgrader 的作業筆記本（01_convolution.ipynb …）。",
        "{path} holds no course file. Expected {expected} (in a folder or a .zip), or the "
        "nbgrader assignment notebooks (01_convolution.ipynb …).",
    ),
    "refusal_not_a_folder": (
        "{path} 不是資料夾：batch 要一個班級資料夾（每位學生一個資料夾或 .zip）。",
        "{path} is not a folder: batch takes a class folder (one folder or .zip per student).",
    ),
    "refusal_empty_class": (
        "{root} 裡沒有任何學生的繳交。預期每位學生一個資料夾或 .zip，或 nbgrader 的 "
        "submitted/<學生>/<作業>/。",
        "{root} holds no submission. Expected one folder or .zip per student, or nbgrader's "
        "submitted/<student>/<assignment>/.",
    ),
    "refusal_jobs": (
        "--jobs 必須是 1 以上的整數，得到 {value!r}。",
        "--jobs must be a whole number of at least 1, got {value!r}.",
    ),
    "refusal_out_is_root": (
        "--out {out} 就是繳交資料夾 {root}，或包含它：成績簿和報告會和學生的繳交混在一起。請把 --out 放在別處。",
        "--out {out} is the submissions folder {root} or holds it: the gradebook and reports would mix "
        "with the students' submissions. Put --out somewhere else.",
    ),
    "refusal_bundle_is_folder": (
        "{out} 是一個資料夾：gradescope-bundle 要寫的是一個 .zip 檔，例如 {example}。",
        "{out} is a folder: gradescope-bundle writes a .zip file, such as {example}.",
    ),
    "refusal_no_namespaces": (
        "--isolation namespaces 需要 bubblewrap（bwrap），但它沒有安裝，或在這台機器上無法建立命名空間"
        "（容器裡常見）。請安裝 bubblewrap（apt-get install bubblewrap）、允許非特權使用者命名空間，"
        "或改用 --isolation auto。",
        "--isolation namespaces needs bubblewrap (bwrap), which is missing or cannot create namespaces "
        "on this machine (common in containers). Install bubblewrap (apt-get install bubblewrap), allow "
        "unprivileged user namespaces, or use --isolation auto.",
    ),
    "refusal_release_leak": (
        "學生套件會洩漏解答或隱藏測試，所以什麼都沒有寫出。請修正 exercises/（或執行 autograder build）：\n{problems}",
        "The student bundle would leak a solution or a hidden test, so nothing was written. Fix "
        "exercises/ (or run autograder build):\n{problems}",
    ),
    "refusal_build_installed": (
        "autograder build 重新產生課程 checkout 裡的檔案，但這裡用的是隨套件安裝的課程副本（{root}）。"
        "請用 --course DIR 指向課程儲存庫的 checkout。",
        "autograder build regenerates the files of a course checkout, but this is the copy installed with "
        "the package ({root}). Point --course DIR at a checkout of the course repository.",
    ),
    "refusal_build_edited": (
        "這些產生的檔案被手動修改過（裡面有寫好的練習），autograder build 不會覆蓋它們：\n{files}\n"
        "它們是從 solutions/ 產生的；要丟掉這些修改請加上 --force。學生請在 autograder release 的套件裡作答。",
        "These generated files were edited by hand (they hold written exercises); autograder build will "
        "not overwrite them:\n{files}\nThey are generated from solutions/; add --force to discard the "
        "edits. Students work in the autograder release bundle.",
    ),
    # Instructor messages of `autograder batch` and the nbgrader gradebook writer.
    "unknown_units": (
        "沒有這個單元：{unknown}。可用的單元：{valid}",
        "No such unit: {unknown}. The units are: {valid}",
    ),
    "nbgrader_no_config": (
        "{root} 有 nbgrader 的 submitted/ 但沒有 nbgrader_config.py：成績沒有寫入 nbgrader 的成績簿。",
        "{root} has nbgrader's submitted/ but no nbgrader_config.py: nbgrader's gradebook was not written.",
    ),
    "nbgrader_no_assignment": (
        "submitted/{student}/ 裡沒有本課程的作業（01_convolution …）：沒有評分。",
        "submitted/{student}/ holds none of the course's assignments (01_convolution …): not graded.",
    ),
    "nbgrader_student_added": (
        "nbgrader 的成績簿裡沒有學生 {student}：已新增（和 nbgrader autograde 的做法一樣）。",
        "Student {student} was not in nbgrader's gradebook: added (as nbgrader autograde does).",
    ),
    "nbgrader_unknown_assignment": (
        "nbgrader 的成績簿裡沒有作業 {assignment}（先執行 nbgrader generate_assignment {assignment}）："
        "{student} 的成績沒有寫入。",
        "Assignment {assignment} is not in nbgrader's gradebook (run nbgrader generate_assignment "
        "{assignment} first): {student}'s grade was not written.",
    ),
    "nbgrader_points_differ": (
        "{assignment} 的格子 {cell} 在 nbgrader 裡滿分 {cell_points}，評分程式是 {points}："
        "發佈的作業過時了（autograder build，再 nbgrader generate_assignment --force）。",
        "Cell {cell} of {assignment} is worth {cell_points} in nbgrader but {points} to the graders: the "
        "release is stale (autograder build, then nbgrader generate_assignment --force).",
    ),
    "nbgrader_not_sanitized": (
        "{student} 的 {assignment} 筆記本無法由 nbgrader 清理（{reason}）：成績已寫入，但 autograded/ 裡沒有它的筆記本。",
        "nbgrader could not sanitize {student}'s {assignment} notebook ({reason}): the grade is written, but "
        "autograded/ has no notebook for it.",
    ),
    "nbgrader_manual_heading": ("老師調整過的分數", "Scores set by your instructor"),
    "nbgrader_manual_cell": (
        "{exercise}：{score} / {max_score}（自動評分 {auto}）",
        "{exercise}: {score} / {max_score} (autograded {auto})",
    ),
    "nbgrader_manual_total": (
        "成績簿裡的總分：{score} / {max_score}",
        "Total in the gradebook: {score} / {max_score}",
    ),
    "nbgrader_no_cell": (
        "{assignment} 的 {exercise}（{points} 分）在筆記本裡沒有評分格子，不在 nbgrader 的總分裡。",
        "{exercise} of {assignment} ({points} points) has no graded cell in the notebook, so it is not "
        "in nbgrader's total.",
    ),
    "summary_diagnoses": ("全班最常見的觀念問題", "The class's most common misconceptions"),
    "summary_diagnoses_none": ("沒有任何繳交顯示已知的觀念問題。", "No submission shows a known misconception."),
    "diagnosis_label": ("觀念", "Misconception"),
    "page_diagnoses": ("你的程式顯示的觀念問題", "What your code shows"),
    "page_diagnoses_intro": (
        "評分程式用這些常見錯誤的做法重算了你的輸入，結果和你的程式一模一樣：先把這個觀念弄清楚，下面的項目多半會一起通過。",
        "The grader recomputed your inputs with these common mistakes and got exactly what your code returned: "
        "straighten out the idea first, and most of the items below should pass with it.",
    ),
    "page_diagnosis_see": ("這一項顯示的觀念問題，說明在本頁上方。", "The misconception this item shows; explained at the top of the page."),
    "page_diagnosis_items": ("影響 {count} 個項目，失去 {points} 分：{items}",
                             "Affects {count} items, {points} points lost: {items}"),
    "grouped_not_implemented": (
        "{name} 尚未實作：它的 {count} 個項目都是 0 分（共 {points} 分）。",
        "{name} is not written yet: its {count} items score 0 ({points} points).",
    ),
    "grouped_unit": (
        "{file}：以下訊息適用於這個檔案的 {count} 個項目（共 {points} 分）。",
        "{file}: this applies to {count} items of the file ({points} points).",
    ),
    "wrong_dtype": ("{call}：dtype 應為 {expected}，得到 {got}。", "{call}: the dtype should be {expected}, got {got}."),
    # The CNN unit (autograder.grading.keras_checks, graders/test_cifar10_cnn.py).
    "model_not_keras": (
        "{call} 應回傳一個 Keras 模型，得到 {type}。",
        "{call} should return a Keras model, got {type}.",
    ),
    "model_lambda": (
        "{what} 含有以 Python lambda 寫成的 Lambda 層：為了安全，評分程式不執行模型裡的程式碼。請改用 Keras 內建的層"
        "（例如 Rescaling、Activation）。",
        "{what} has a Lambda layer holding Python code: for safety the grader runs no code from a model. Use "
        "Keras' built-in layers instead (Rescaling, Activation, …).",
    ),
    "model_custom": (
        "{what} 用了自訂的類別，評分程式只接受 Keras 內建的層：{detail}",
        "{what} uses a custom class; the grader accepts Keras' built-in layers only: {detail}",
    ),
    "model_unreadable": ("無法重建 {what}：{detail}", "{what} could not be rebuilt: {detail}"),
    "model_needs_layer": (
        "{call} 至少需要 {need} 個 {layer}，目前有 {found} 個。",
        "{call} needs at least {need} {layer} layer(s); it has {found}.",
    ),
    "model_has_conv": (
        "{call} 是「沒有卷積」的 DNN：不應該有 Conv2D。",
        "{call} is the DNN without convolution: it should have no Conv2D.",
    ),
    "model_output_shape": (
        "{call} 的輸出形狀應為 {expected}，得到 {got}。",
        "{call} should output shape {expected}, got {got}.",
    ),
    "model_softmax": (
        "{call} 的最後一層應為 Dense({n}, activation=\"softmax\")，得到 {got}。",
        "{call} should end with Dense({n}, activation=\"softmax\"), got {got}.",
    ),
    "model_not_compiled": (
        "{call} 回傳的模型沒有編譯：請呼叫 model.compile(optimizer=…, loss=…, metrics=[\"accuracy\"])。",
        "{call} returned a model that is not compiled: call model.compile(optimizer=…, loss=…, "
        "metrics=[\"accuracy\"]).",
    ),
    "model_loss": (
        "{call} 的損失函數應為 categorical_crossentropy（標籤是 one-hot，不是 sparse），得到 {got}。",
        "{call} should use the categorical_crossentropy loss (labels are one-hot, not sparse), got {got}.",
    ),
    "model_accuracy": (
        "{call} 編譯時 metrics 應包含 \"accuracy\"。",
        "{call} should be compiled with metrics including \"accuracy\".",
    ),
    "model_too_large": (
        "{call} 有 {params} 個參數，超過評分時訓練的上限 {limit}。",
        "{call} has {params} parameters, over the grading budget of {limit}.",
    ),
    "loss_not_falling": (
        "{call}：訓練時損失沒有下降（各 epoch：{losses}）。",
        "{call}: the loss did not fall in training (per epoch: {losses}).",
    ),
    "synthetic_accuracy": (
        "{call} 的架構在評分用的合成資料上訓練 {epochs} 個 epoch（{n} 張圖）後，測試準確率 {accuracy}，"
        "低於 {threshold}。",
        "{call}'s architecture, trained for {epochs} epochs on the grader's synthetic set ({n} images), "
        "reached a test accuracy of {accuracy}, below {threshold}.",
    ),
    "flip_mode": (
        "{call} 的 RandomFlip 應為 \"horizontal\"（上下顛倒的船和貓不是 CIFAR-10 的圖片），得到 {got}。",
        "{call}'s RandomFlip should be \"horizontal\" (upside-down ships and cats are not CIFAR-10 "
        "images), got {got}.",
    ),
    "not_random": (
        "{call} 在訓練時應該每次產生不同的隨機變化，但輸出沒有改變。",
        "{call} should change the images randomly in training, but the output did not change.",
    ),
    "base_not_frozen": (
        "{call} 的 MobileNetV2 應該凍結（base.trainable = False）。",
        "{call}'s MobileNetV2 base should be frozen (base.trainable = False).",
    ),
    "too_many_trainable": (
        "{call} 有 {got} 個可訓練參數：只有新的分類頭應該可訓練。",
        "{call} has {got} trainable parameters: only the new head should be trainable.",
    ),
    "not_history": (
        "{call} 應回傳 model.fit(...) 的 History，得到 {got}。",
        "{call} should return the History of model.fit(...), got {got}.",
    ),
    "wrong_epochs": (
        "{call} 應訓練 {expected} 個 epoch，紀錄裡有 {got} 個。",
        "{call} should train for {expected} epochs; the history has {got}.",
    ),
    "no_validation": (
        "{call} 沒有留驗證集（history 裡沒有 val_loss）：請把 validation_split 傳給 fit。",
        "{call} kept no validation data (no val_loss in the history): pass validation_split to fit.",
    ),
    "tensorflow_unavailable": (
        "未評分：評分機器上沒有安裝 TensorFlow，這一項需要它。這不是你的錯：這一項不計入得分，也不計入滿分；"
        "助教裝好 TensorFlow（{install}）後會重新評分。",
        "Not graded: TensorFlow is not installed on the grading machine, and this item needs it. This is not "
        "your fault: the item counts in neither your score nor the maximum; the staff will regrade it once "
        "TensorFlow is installed ({install}).",
    ),
    "data_unavailable": (
        "未評分 {file}：評分機器上沒有真正的 CIFAR-10 測試集。這不是你的錯：這一項不計入得分，也不計入滿分；"
        "助教會在有資料的機器上重新評分（設定 AUTOGRADER_CIFAR10 或 Keras 快取）。",
        "{file} not graded: the real CIFAR-10 test set is not on the grading machine. This is not your "
        "fault: the item counts in neither your score nor the maximum; the staff will regrade it where the "
        "data is (AUTOGRADER_CIFAR10 or the Keras cache).",
    ),
    "model_accuracy_band": (
        "cifar10_cnn.keras 在 CIFAR-10 測試集的準確率是 {accuracy}：達到 {threshold}，得部分分數"
        "（{top} 以上得滿分）。",
        "cifar10_cnn.keras reaches {accuracy} accuracy on the CIFAR-10 test set: at least {threshold}, "
        "for part of the points ({top} or more earns them all).",
    ),
    "model_accuracy_low": (
        "cifar10_cnn.keras 在 CIFAR-10 測試集的準確率是 {accuracy}，低於 {lowest}。",
        "cifar10_cnn.keras reaches {accuracy} accuracy on the CIFAR-10 test set, below {lowest}.",
    ),
}


# The misconceptions of `autograder.grading.diagnoses`: the idea, then where the lesson explains it.
# (zh-TW, en, lesson file, section heading)
DIAGNOSES = {
    "conv_output_size.ceil": (
        "你的程式把 (n + 2p − k)/s 無條件進位了。卷積核放不下的最後一格不算：公式是向下取整 floor(...) + 1。",
        "Your code rounds (n + 2p − k)/s up. A last position where the kernel does not fit does not count: "
        "the formula rounds down, floor(...) + 1.",
        "01_convolution.md", "3. 輸出有多大？"),
    "conv_output_size.float": (
        "你的程式回傳了沒有取整的 (n + 2p − k)/s + 1（浮點數）。輸出邊長是格子數，要向下取整成整數。",
        "Your code returns (n + 2p − k)/s + 1 unrounded, a float. An output size counts positions: round it "
        "down to an integer.",
        "01_convolution.md", "3. 輸出有多大？"),
    "conv2d.flipped_kernel": (
        "你的程式把卷積核旋轉了 180°（數學課本與 scipy.signal.convolve2d 的「真」卷積）。本課的卷積是 Keras "
        "Conv2D 計算的互相關：卷積核不翻轉，直接蓋在視窗上逐格相乘再加總。",
        "Your code rotates the kernel by 180° (the textbook's true convolution, as scipy.signal.convolve2d). "
        "In this course convolution is what Keras' Conv2D computes, cross-correlation: the kernel is laid on "
        "the window as it is, multiplied element by element and summed.",
        "01_convolution.md", "小提醒：本課的「卷積」其實是互相關"),
    "conv2d.stride_ignored": (
        "你的程式不管 stride 是多少都一格一格移動。步幅 s 表示視窗每次跳 s 格，輸出因此變小。",
        "Your code moves one pixel at a time whatever the stride. A stride s makes the window jump s pixels, "
        "so the output gets smaller.",
        "01_convolution.md", "4. 步幅與補零：寫出 `conv2d`"),
    "conv2d.same_extra_top_left": (
        "padding=\"same\" 需要補的 0 總數是奇數時，你把多出來的那個補在上方／左方。Keras 把它補在下方／右方。",
        "With padding=\"same\" and an odd number of zeros to add, your code puts the extra zero at the "
        "top/left. Keras puts it at the bottom/right.",
        "01_convolution.md", "4. 步幅與補零：寫出 `conv2d`"),
    "conv2d.same_symmetric": (
        "padding=\"same\" 時你在每一邊都補 (k−1)//2 個 0。Keras 的規則是讓輸出邊長等於 ceil(n/s)："
        "補的總數由 n、k、s 決定，奇數時多的一個補在下方／右方。",
        "With padding=\"same\" your code adds (k−1)//2 zeros on every side. Keras' rule makes the output "
        "ceil(n/s) long: the total follows from n, k and s, and an odd extra zero goes at the bottom/right.",
        "01_convolution.md", "4. 步幅與補零：寫出 `conv2d`"),
    "conv2d_multi.bias_ignored": (
        "你的程式沒有加上 bias。Conv2D 的每個輸出通道在加總所有輸入通道之後，還要加上自己的偏差值。",
        "Your code does not add the bias. Each output channel of Conv2D adds its own bias after summing over "
        "the input channels.",
        "01_convolution.md", "5. 多通道的卷積：Keras 的 `Conv2D`"),
    "max_pool2d.stride_one": (
        "沒有給 stride 時，你用了 stride 1。池化的預設步幅等於 pool_size：視窗不重疊，影像縮小 pool_size 倍。",
        "When no stride is given your code uses stride 1. Pooling's default stride is pool_size: the windows "
        "do not overlap and the image shrinks by pool_size.",
        "01_convolution.md", "最大池化（max pooling）"),
    "flatten.column_major": (
        "你的程式以行優先（column-major, Fortran）的順序攤平。Keras 的 Flatten 以列優先（row-major）："
        "最後一個軸變化最快。",
        "Your code flattens in column-major (Fortran) order. Keras' Flatten is row-major: the last axis "
        "changes fastest.",
        "01_convolution.md", "攤平（flatten）"),
    "global_average_pool.over_channels": (
        "你的程式在通道軸上取平均。全域平均池化是對每個通道把整張 H×W 平均成一個數，輸出長度是 C。",
        "Your code averages over the channel axis. Global average pooling averages each channel over the "
        "whole H×W, giving C numbers.",
        "01_convolution.md", "全域平均池化（global average pooling）"),
    "count_conv_params.no_bias": (
        "你的參數數量沒有算偏差值。use_bias=True 時，每個濾波器還有一個 bias。",
        "Your count leaves out the biases. With use_bias=True every filter has one bias as well.",
        "01_convolution.md", "一個 `Conv2D` 層有多少參數？"),
    "count_conv_params.no_input_channels": (
        "你的參數數量沒有乘上輸入通道數。每個濾波器的權重是 kh × kw × c_in 個。",
        "Your count leaves out the input channels. Each filter has kh × kw × c_in weights.",
        "01_convolution.md", "一個 `Conv2D` 層有多少參數？"),
    "gaussian_kernel.missing_factor_two": (
        "你的高斯函數用了 exp(−r²/σ²)，少了分母的 2。公式是 exp(−(x²+y²)/(2σ²))。",
        "Your Gaussian uses exp(−r²/σ²): the 2 in the denominator is missing. The formula is "
        "exp(−(x²+y²)/(2σ²)).",
        "01_convolution.md", "高斯濾波器"),
    "gaussian_kernel.unnormalised": (
        "你的高斯核沒有除以總和。模糊濾波器的權重加起來要等於 1，影像才不會變亮或變暗。",
        "Your Gaussian kernel is not divided by its sum. A blur's weights must sum to 1 so the image gets "
        "neither brighter nor darker.",
        "01_convolution.md", "高斯濾波器"),
    "median_filter.mean": (
        "你的程式取了每個視窗的平均值。中值濾波取的是中位數：排序後正中間的值，所以椒鹽雜訊的極端值不會混進結果。",
        "Your code takes each window's mean. The median filter takes the median, the middle value once "
        "sorted, so salt-and-pepper extremes do not leak into the result.",
        "01_convolution.md", "中值濾波器（去除椒鹽雜訊）"),
    "sobel_magnitude.abs_sum": (
        "你的程式用 |gx| + |gy|。邊緣強度是梯度向量的長度 sqrt(gx² + gy²)。",
        "Your code uses |gx| + |gy|. The edge strength is the length of the gradient vector, sqrt(gx² + gy²).",
        "01_convolution.md", "Sobel 濾波器：找邊緣"),
    "sharpen.minus": (
        "你的程式減去了拉普拉斯的響應。本課的拉普拉斯核中心是 +8，銳利化是把它加回影像：image + amount · 響應。",
        "Your code subtracts the Laplacian response. The course's Laplacian has +8 at its centre, so "
        "sharpening adds it: image + amount · response.",
        "01_convolution.md", "拉普拉斯濾波器與銳利化"),
    "sigmoid.overflow": (
        "你的 sigmoid 直接計算 exp(−x)：|x| 很大時會溢位（警告、inf 或 nan）。只對 −|x| 取 exp，再依 x 的正負組合，"
        "就永遠不會溢位。",
        "Your sigmoid computes exp(−x) directly, which overflows for large |x| (a warning, inf or nan). "
        "Taking exp of −|x| only, and combining by the sign of x, never overflows.",
        "02_activations.md", "小心溢位（overflow）"),
    "sigmoid_derivative.of_output": (
        "你的程式算的是 x(1−x)：把輸入 x 當成了 σ(x)。這個函式拿到的是激活前的 x，要先算 σ(x) 再代入 σ(1−σ)。",
        "Your code computes x(1−x), treating x as σ(x). The function receives the pre-activation x: "
        "compute σ(x) first, then σ(1−σ).",
        "02_activations.md", "2. Sigmoid 的導數"),
    "tanh_derivative.of_output": (
        "你的程式算的是 1 − x²：把輸入 x 當成了 tanh(x)。要先算 tanh(x) 再代入 1 − tanh²。",
        "Your code computes 1 − x², treating x as tanh(x). Compute tanh(x) first, then 1 − tanh².",
        "02_activations.md", "3. tanh"),
    "relu_derivative.zero_at_zero": (
        "你的 ReLU 導數在 x = 0 給 0。ReLU 在 0 不可微，投影片約定 x ≥ 0 時導數為 1。",
        "Your ReLU derivative gives 0 at x = 0. ReLU has no derivative at 0; the slides' convention is 1 "
        "where x ≥ 0.",
        "02_activations.md", "4. ReLU"),
    "numerical_derivative.one_sided": (
        "你的程式用單邊差分 (f(x+h) − f(x))/h，誤差是 O(h)。中央差分 (f(x+h) − f(x−h))/(2h) 的誤差是 O(h²)。",
        "Your code uses the one-sided difference (f(x+h) − f(x))/h, whose error is O(h). The central "
        "difference (f(x+h) − f(x−h))/(2h) has an O(h²) error.",
        "02_activations.md", "5. 數值微分：用定義驗算導數"),
    "squared_error.mean_over_outputs": (
        "你的程式也除以了輸出個數 n_out（Keras 的 MSE）。投影片的損失對輸出加總、只對樣本數 N 平均。",
        "Your code also divides by the number of outputs n_out (Keras' MSE). The slides' loss sums over the "
        "outputs and averages over the N samples only.",
        "03_backprop.md", "2. 損失：平方誤差"),
    "squared_error.no_mean": (
        "你的程式沒有除以樣本數 N。損失是每個樣本平方誤差的平均。",
        "Your code does not divide by the number of samples N. The loss is the average over samples.",
        "03_backprop.md", "2. 損失：平方誤差"),
    "backward.no_batch_mean": (
        "你的梯度沒有除以樣本數 N。損失是平均，所以它的梯度也是每個樣本梯度的平均。",
        "Your gradients are not divided by N. The loss is an average, so its gradient is the average of the "
        "samples' gradients.",
        "03_backprop.md", "4. 反向傳播：矩陣的寫法"),
    "backward.no_hidden_derivative": (
        "你的程式在隱藏層少乘了 σ'(z1) = a1(1 − a1)。連鎖律經過每一個 sigmoid 都要乘上它的導數。",
        "Your code leaves out σ'(z1) = a1(1 − a1) in the hidden layer. The chain rule multiplies by the "
        "derivative of every sigmoid it passes through.",
        "03_backprop.md", "4. 反向傳播：矩陣的寫法"),
    "slide_gradient.sign": (
        "你的結果少了最前面的負號。L = (y − ŷ)² 對 ŷ 微分得到 −2(y − ŷ)。",
        "Your result drops the leading minus. Differentiating L = (y − ŷ)² by ŷ gives −2(y − ŷ).",
        "03_backprop.md", "3. 連鎖律：一個權重的梯度"),
    "numerical_gradient.perturbs_copy": (
        "你的程式擾動的是 w 的複本。f 透過閉包讀取原本的 w，所以複本的改變它看不到，梯度全是 0。要就地修改 w 本身。",
        "Your code perturbs a copy of w. f reads the original w through a closure and never sees the copy "
        "change, so every gradient is 0. Perturb w itself, in place.",
        "03_backprop.md", "為什麼要「就地」修改 `w`？"),
    "numerical_gradient.not_restored": (
        "你的程式擾動 w 之後沒有把它還原。後面的元素因此在偏移過的點上計算，而且呼叫結束時 w 被改掉了。",
        "Your code does not restore w after perturbing it. Later elements are evaluated at a shifted point, "
        "and w is left modified.",
        "03_backprop.md", "為什麼要「就地」修改 `w`？"),
    "relative_error.no_floor": (
        "你的分母沒有 1e-8 的下限。|a| + |b| 是 0 時會變成 0/0 = nan；max(1e-8, |a| + |b|) 避免這件事。",
        "Your denominator has no 1e-8 floor. Where |a| + |b| is 0 you get 0/0 = nan; max(1e-8, |a| + |b|) "
        "avoids it.",
        "03_backprop.md", "相對誤差"),
    "gd_step.ascent": (
        "你的程式加上了梯度（w + lr·grad），往上坡走。梯度下降要往梯度的反方向：減去 lr·grad。",
        "Your code adds the gradient (w + lr·grad), walking uphill. Gradient descent goes against the "
        "gradient: subtract lr·grad.",
        "04_optimizers.md", "1. 梯度下降"),
    "minibatches.drop_last": (
        "你的程式丟掉了最後那個比較小的批次。n 不能被 batch_size 整除時，剩下的樣本自成最後一批。",
        "Your code drops the last, smaller batch. When batch_size does not divide n, the samples left over "
        "form the last batch.",
        "04_optimizers.md", "2. 批次與小批次：GD 與 SGD"),
    "rmsprop_step.sigma0_zero": (
        "你的 RMSProp 從 σ = 0 開始（Keras 的寫法）。投影片的 RMSProp 第一步用 σ⁰ = |g⁰|，所以第一步每個元素大約移動 lr。",
        "Your RMSProp starts from σ = 0 (Keras' way). The slides' RMSProp starts from σ⁰ = |g⁰|, so the first "
        "step moves every element by about lr.",
        "04_optimizers.md", "3. RMSProp：每個參數有自己的步伐"),
    "rmsprop_step.stores_square": (
        "你在 state[\"sigma\"] 裡存的是 σ²。投影片的狀態是 σ 本身（均方根），下一步才把它平方。",
        "Your code keeps σ² in state[\"sigma\"]. The slides' state is σ itself (the root mean square); the "
        "next step squares it.",
        "04_optimizers.md", "3. RMSProp：每個參數有自己的步伐"),
    "rmsprop_step.eps_in_sqrt": (
        "你把 eps 放進了平方根裡。投影片是 lr·g/(σ + eps)：eps 加在根號外。梯度很小時兩者差很多。",
        "Your code puts eps inside the square root. The slides use lr·g/(σ + eps), eps outside the root; "
        "for small gradients the two differ a lot.",
        "04_optimizers.md", "3. RMSProp：每個參數有自己的步伐"),
    "adam_step.no_bias_correction": (
        "你的 Adam 直接用 m 和 v，沒有做偏差修正。m 和 v 從 0 開始，前幾步太小，要除以 1 − β1ᵗ 和 1 − β2ᵗ。",
        "Your Adam uses m and v without bias correction. They start at 0 and are too small at first: divide "
        "by 1 − β1ᵗ and 1 − β2ᵗ.",
        "04_optimizers.md", "為什麼要偏差修正 $\\hat m = m / (1 - \\beta_1^t)$？"),
    "adam_step.t_late": (
        "你的程式先用 t 再把它加 1。Kingma 與 Ba 的演算法先做 t += 1，偏差修正用的是新的 t（第一步 t = 1）。",
        "Your code uses t before incrementing it. Kingma and Ba's algorithm does t += 1 first; the bias "
        "correction uses the new t (t = 1 on the first step).",
        "04_optimizers.md", "為什麼要偏差修正 $\\hat m = m / (1 - \\beta_1^t)$？"),
    "preprocess.no_scaling": (
        "你的程式沒有除以 255。像素是 0–255 的整數，網路需要 [0, 1] 之間的浮點數。",
        "Your code does not divide by 255. Pixels are integers 0–255; the network wants floats in [0, 1].",
        "05_cifar10_cnn.md", "2. 前處理：縮放與 one-hot"),
    "preprocess.integer_labels": (
        "你的程式回傳整數標籤。categorical cross-entropy 需要 one-hot：每個標籤變成長度 10、只有一個 1 的向量。",
        "Your code returns integer labels. Categorical cross-entropy needs one-hot labels: each label becomes "
        "a length-10 vector with a single 1.",
        "05_cifar10_cnn.md", "2. 前處理：縮放與 one-hot"),
    "build_cnn.logits": (
        "你的模型最後是沒有 softmax 的 Dense：輸出的是 logits，不是機率。最後一層要用 activation=\"softmax\"。",
        "Your model ends in a Dense without softmax: it outputs logits, not probabilities. The last layer "
        "needs activation=\"softmax\".",
        "05_cifar10_cnn.md", "5. 卷積神經網路（CNN）"),
    "build_cnn.no_pooling": (
        "你的 CNN 沒有 MaxPooling2D。池化把特徵圖縮小、讓後面的卷積看到更大的範圍，也大幅減少參數。",
        "Your CNN has no MaxPooling2D. Pooling shrinks the feature maps, lets later convolutions see a wider "
        "area and cuts the parameters.",
        "05_cifar10_cnn.md", "5. 卷積神經網路（CNN）"),
    "build_dnn.has_convolution": (
        "你的 DNN 裡有卷積層。投影片的「DNN with cifar10」只有 Flatten 和 Dense：它是用來和 CNN 比較的。",
        "Your DNN contains a convolution. The slides' \"DNN with cifar10\" has only Flatten and Dense layers: "
        "it is the baseline the CNN is compared with.",
        "05_cifar10_cnn.md", "4. 投影片的「DNN with cifar10」"),
    "build_augmentation.vertical_flip": (
        "你的資料擴增會上下翻轉影像。倒過來的船和貓不是 CIFAR-10 會出現的影像，只用 RandomFlip(\"horizontal\")。",
        "Your augmentation flips images vertically. Upside-down ships and cats are not CIFAR-10 images: use "
        "RandomFlip(\"horizontal\") only.",
        "05_cifar10_cnn.md", "6. 資料擴增（data augmentation）"),
    "build_transfer_model.base_trainable": (
        "你的 MobileNetV2 底座仍可訓練。遷移學習先凍結借來的底座（base.trainable = False），只訓練新的頭。",
        "Your MobileNetV2 base is still trainable. Transfer learning freezes the borrowed base "
        "(base.trainable = False) and trains only the new head.",
        "05_cifar10_cnn.md", "7. 遷移學習：借用 MobileNetV2"),
}

for _id, (_zh, _en, _file, _section) in DIAGNOSES.items():
    CATALOG[f"diagnosis.{_id}"] = (
        f"{_zh}（請複習 lessons/{_file}〈{_section}〉。）".replace("{", "{{").replace("}", "}}"),
        f"{_en} (See lessons/{_file}, “{_section}”.)".replace("{", "{{").replace("}", "}}"),
    )


def text(key, **fields):
    """The catalog entry ``key`` filled with ``fields``, as ``{"zh-TW": …, "en": …}``.

    A field whose value is itself a message dict is filled per language.
    """
    zh, en = CATALOG[key]
    out = {}
    for lang, template in zip(LANGS, (zh, en)):
        values = {k: (v[lang] if isinstance(v, dict) else v) for k, v in fields.items()}
        out[lang] = template.format(**values)
    return out


def text_in(key, lang, **fields):
    """One language of `text`: the catalog entry ``key`` in ``lang``, filled with ``fields``."""
    return text(key, **fields)[lang]


def check_lang(lang):
    """``lang`` when it is one of `LANGS`; `ValueError` otherwise."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    return lang


def other(lang):
    """The language that is not ``lang`` (the second, muted line of a report)."""
    return next(x for x in LANGS if x != lang)


def join(*parts, sep="\n"):
    """Several messages as one, part by part in each language (empty parts dropped)."""
    return {lang: sep.join(p[lang] for p in parts if p and p[lang]) for lang in LANGS}


def same(text_both):
    """A message that reads the same in both languages (a value, a code excerpt)."""
    return {lang: text_both for lang in LANGS}
