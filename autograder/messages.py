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
    "unsendable": (
        "{call} 回傳的值無法交給評分程式：{message}",
        "The value {call} returned cannot be passed to the grader: {message}",
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
    "expected_array": ("一個 NumPy 陣列", "a NumPy array"),
    "expected_number": ("一個數字", "a number"),
    "expected_dict": ("一個 dict", "a dict"),
    "expected_tuple": ("一個 tuple", "a tuple"),
    "expected_list": ("一個 list", "a list"),
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
