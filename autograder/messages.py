"""The message catalog: every text a student reads, in zh-TW and English.

``text("timeout", call="conv2d(...)", seconds=5)`` gives
``{"zh-TW": "...", "en": "..."}``. Keep both languages saying the same thing; a test
checks that every entry has both and that their placeholders agree.
"""

import string

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
    "wrong_part": ("{part}：", "{part}: "),
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
    "expected_array": ("一個 NumPy 陣列", "a NumPy array"),
    "expected_number": ("一個數字", "a number"),
    "expected_dict": ("一個 dict", "a dict"),
    "expected_tuple": ("一個 tuple", "a tuple"),
    "expected_list": ("一個 list", "a list"),
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
    "wrong_dtype": ("{call}：dtype 應為 {expected}，得到 {got}。", "{call}: the dtype should be {expected}, got {got}."),
    # The CNN unit (autograder.keras_checks, graders/test_cifar10_cnn.py).
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


def _fields(template):
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


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


def join(*parts, sep="\n"):
    """Several messages as one, part by part in each language (empty parts dropped)."""
    return {lang: sep.join(p[lang] for p in parts if p and p[lang]) for lang in LANGS}


def same(text_both):
    """A message that reads the same in both languages (a value, a code excerpt)."""
    return {lang: text_both for lang in LANGS}
