"""單元五：用 Keras 建立 CIFAR-10 卷積網路 — Unit 5: a Keras CNN for CIFAR-10.

CIFAR-10 有 60,000 張 32×32 的彩色圖片，分成 10 類；標籤是 0–9 的整數。
CIFAR-10 holds 60,000 colour images of 32×32 pixels in 10 classes; labels are the
integers 0–9.

本單元用 Keras 3（TensorFlow 後端）。Keras 只在需要它的函式裡才匯入，所以
`resize_bilinear` 與 `top_k_accuracy`（只用 NumPy）在沒有 TensorFlow 的電腦上也能用。
This unit uses Keras 3 on TensorFlow. Keras is imported inside the functions that
need it, so `resize_bilinear` and `top_k_accuracy` (NumPy only) work on a machine
without TensorFlow.
"""

import numpy as np

CLASS_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
"""類別名稱，索引就是標籤（已給定，不計分）— the class names; the index is the label (given)."""


def preprocess(x, y):
    """把原始資料轉成網路要的格式 — turn raw data into what the network takes.

    像素除以 255 變成 [0, 1] 的 float32；標籤變成 one-hot（10 類）。
    Pixels divided by 255 into float32 in [0, 1]; labels one-hot over 10 classes.

    Parameters
    ----------
    x : ndarray of uint8, shape (N, 32, 32, 3)
    y : ndarray of int, shape (N,) or (N, 1)
        0–9 的標籤（Keras 的 ``cifar10.load_data()`` 給的是 ``(N, 1)``）。
        Labels 0–9 (Keras' ``cifar10.load_data()`` gives ``(N, 1)``).

    Returns
    -------
    x : ndarray of float32, shape (N, 32, 32, 3)
        ``x / 255``.
    y : ndarray of float32, shape (N, 10)
        One-hot：第 ``y[i]`` 個位置是 1，其餘是 0。Row ``i`` has a 1 at ``y[i]``.

    Raises
    ------
    ValueError
        形狀不對或標籤不在 0–9。Wrong shapes, or labels outside 0–9.
    """
    ### BEGIN SOLUTION
    x = np.asarray(x)
    y = np.asarray(y).reshape(-1)
    if x.ndim != 4 or x.shape[0] != y.shape[0]:
        raise ValueError(f"x must be (N, H, W, C) with one label per image, got {x.shape} and {y.shape}")
    if y.size and (y.min() < 0 or y.max() > 9):
        raise ValueError("labels must be integers 0-9")
    return x.astype(np.float32) / 255.0, np.eye(10, dtype=np.float32)[y.astype(np.int64)]
    ### END SOLUTION


def resize_bilinear(image, height, width):
    """雙線性插值縮放影像 — resize an image by bilinear interpolation.

    投影片「影像大小不同」：網路的輸入大小是固定的，所以每張影像都要先縮放到同一個
    大小。輸出像素 ``(i, j)`` 的中心對回原圖的位置（半像素中心，half-pixel centres）::

        y = (i + 0.5) · H / height − 0.5,   x = (j + 0.5) · W / width − 0.5

    夾在 ``[0, H − 1]``、``[0, W − 1]`` 之內，再用最近的四個像素做雙線性插值（先沿
    x、再沿 y 做線性內插）。這就是 ``tf.image.resize(method="bilinear",
    antialias=False)`` 與 ``keras.layers.Resizing`` 的算法。只用 NumPy。
    The slides' "影像大小不同": a network takes one input size, so every image is
    first brought to it. Output pixel ``(i, j)`` samples the source at the position
    above (half-pixel centres), clamped to the image, interpolated linearly between
    its four neighbours — what ``tf.image.resize(method="bilinear", antialias=False)``
    and ``keras.layers.Resizing`` compute. NumPy only.

    Parameters
    ----------
    image : array_like, shape (H, W) or (H, W, C)
        任何數值型別（例如 uint8 0–255）。Any numeric dtype (uint8 0–255, say).
    height, width : int
        輸出的高與寬，正整數。The output size, positive integers.

    Returns
    -------
    ndarray of float64, shape (height, width) or (height, width, C)
        不四捨五入、不裁切。Neither rounded nor clipped.

    Raises
    ------
    ValueError
        影像不是 2-D 或 3-D、是空的，或 ``height`` / ``width`` 不是正整數。
        The image is not 2-D or 3-D or is empty, or ``height`` / ``width`` is not a
        positive integer.

    Examples
    --------
    >>> resize_bilinear(np.array([[0.0, 4.0], [8.0, 12.0]]), 4, 4)
    array([[ 0.,  1.,  3.,  4.],
           [ 2.,  3.,  5.,  6.],
           [ 6.,  7.,  9., 10.],
           [ 8.,  9., 11., 12.]])
    """
    ### BEGIN SOLUTION
    image = np.asarray(image, dtype=np.float64)
    if image.ndim not in (2, 3) or image.shape[0] == 0 or image.shape[1] == 0:
        raise ValueError(f"image must be (H, W) or (H, W, C) and not empty, got shape {image.shape}")
    for name, value in (("height", height), ("width", width)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    h, w = image.shape[:2]

    def sample_points(n_out, n_in):
        # Where each output row (column) falls in the source, and its two neighbours.
        pos = np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)
        low = np.floor(pos).astype(np.int64)
        high = np.minimum(low + 1, n_in - 1)
        return low, high, pos - low

    y0, y1, wy = sample_points(height, h)
    x0, x1, wx = sample_points(width, w)
    if image.ndim == 3:
        wy, wx = wy[:, None, None], wx[None, :, None]
    else:
        wy, wx = wy[:, None], wx[None, :]
    top = image[y0][:, x0] * (1 - wx) + image[y0][:, x1] * wx
    bottom = image[y1][:, x0] * (1 - wx) + image[y1][:, x1] * wx
    return top * (1 - wy) + bottom * wy
    ### END SOLUTION

def build_dnn(input_shape=(32, 32, 3), num_classes=10):
    """投影片的「DNN with cifar10」：攤平後接全連接層，沒有卷積 — a flat DNN.

    ``Flatten`` → 一或多個隱藏 ``Dense`` → ``Dense(num_classes, activation="softmax")``；
    用 ``categorical_crossentropy`` 與 ``accuracy`` 編譯（compile）。
    攤平會讓每個像素失去它的鄰居，所以它學得比 CNN 差。
    ``Flatten`` → one or more hidden ``Dense`` → ``Dense(num_classes, softmax)``,
    compiled with categorical cross-entropy and accuracy. Flattening loses each
    pixel's neighbours, so it learns worse than a CNN.

    Returns
    -------
    keras.Model
        已編譯。Compiled.
    """
    import keras
    from keras import layers

    ### BEGIN SOLUTION
    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Flatten(),
            layers.Dense(256, activation="relu"),
            layers.Dense(128, activation="relu"),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="cifar10_dnn",
    )
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


def build_cnn(input_shape=(32, 32, 3), num_classes=10):
    """卷積神經網路 — a convolutional network for CIFAR-10.

    至少兩個 ``Conv2D``、至少一個 ``MaxPooling2D``、``Flatten`` 或
    ``GlobalAveragePooling2D``，最後 ``Dense(num_classes, activation="softmax")``；
    用一個優化器、``categorical_crossentropy``（標籤是 one-hot，不是 sparse）
    與 ``accuracy`` 編譯。
    At least two ``Conv2D``, at least one ``MaxPooling2D``, ``Flatten`` or
    ``GlobalAveragePooling2D``, then ``Dense(num_classes, softmax)``; compiled with an
    optimizer, categorical cross-entropy (one-hot labels, not the sparse loss) and
    accuracy.

    Returns
    -------
    keras.Model
        已編譯。Compiled.
    """
    import keras
    from keras import layers

    ### BEGIN SOLUTION
    def block(filters, pool=True):
        # Conv → MaxPool → BatchNorm → ReLU: pooling right after the convolution leaves
        # BatchNorm and ReLU a quarter of the pixels. momentum=0.9: the statistics used at
        # inference settle within a few hundred steps, so short trainings evaluate well too.
        out = [layers.Conv2D(filters, 3, padding="same", use_bias=False)]
        if pool:
            out.append(layers.MaxPooling2D())
        return out + [layers.BatchNormalization(momentum=0.9), layers.Activation("relu")]

    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            *block(32),              # 32×32 → 16×16
            *block(64),              # → 8×8
            *block(128),             # → 4×4
            *block(256, pool=False),
            layers.GlobalAveragePooling2D(),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="cifar10_cnn",
    )
    # Adam, its learning rate falling from 2e-3 along a cosine over 10 epochs of CIFAR-10
    # at batch size 64 (10 × 782 steps), then staying at 1e-4 (alpha = 5 %).
    schedule = keras.optimizers.schedules.CosineDecay(2e-3, decay_steps=10 * 782, alpha=0.05)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


def build_augmentation():
    """資料擴增：訓練時隨機變化，推論時不變 — data augmentation.

    ``keras.Sequential`` 的前處理層：``RandomFlip("horizontal")``（只能水平翻轉：上下顛倒的
    船和貓不是 CIFAR-10 的圖片），再加上 ``RandomRotation``、``RandomTranslation`` 或
    ``RandomZoom`` 至少一個。訓練時（``training=True``）每次都不同，推論時原樣輸出。
    Preprocessing layers: ``RandomFlip("horizontal")`` (horizontal only: upside-down
    ships and cats are not CIFAR-10 images) and at least one of ``RandomRotation`` /
    ``RandomTranslation`` / ``RandomZoom``. Random in training, the identity at inference.

    Returns
    -------
    keras.Sequential
    """
    import keras
    from keras import layers

    ### BEGIN SOLUTION
    # Shifts of up to 4 pixels (0.125 × 32) each way; "nearest" keeps them whole pixels,
    # so the picture is moved, not blurred by interpolation.
    return keras.Sequential(
        [
            layers.RandomFlip("horizontal"),
            layers.RandomTranslation(0.125, 0.125, fill_mode="reflect", interpolation="nearest"),
        ],
        name="augmentation",
    )
    ### END SOLUTION


def top_k_accuracy(y_true, probs, k=5):
    """Top-k 正確率：正確類別在分數最高的 k 個之中的比例 — top-k accuracy.

    投影片 ILSVRC 表格裡的 Top-1 / Top-5：模型對每張圖給每一類一個分數，若正確類別
    的分數排在前 ``k`` 名就算對。和第 ``k`` 名同分的類別也算在前 ``k`` 名之內
    （與 ``tf.math.in_top_k`` 相同）：也就是「分數比正確類別高的類別少於 ``k`` 個」。
    The Top-1 / Top-5 of the slides' ILSVRC table: a sample counts when its true
    class is among the ``k`` highest scores; a class tied with the ``k``-th highest
    counts as in the top ``k`` (as ``tf.math.in_top_k``), i.e. fewer than ``k``
    classes score strictly higher than the true one. NumPy only.

    Parameters
    ----------
    y_true : array_like of int, shape (N,), or one-hot, shape (N, C)
        正確類別 0 … C−1（也接受 Keras 的 ``(N, 1)``）。True classes (Keras'
        ``(N, 1)`` too).
    probs : array_like of float, shape (N, C)
        每一類的分數或機率。Scores or probabilities per class.
    k : int, optional
        正整數；``k = 1`` 就是一般的正確率。A positive integer; ``k = 1`` is plain
        accuracy.

    Returns
    -------
    float
        0 到 1 之間。Between 0 and 1.

    Raises
    ------
    ValueError
        形狀不合、標籤超出 0 … C−1，或 ``k`` 不是正整數。Shapes that do not fit,
        labels outside 0 … C−1, or ``k`` not a positive integer.

    Examples
    --------
    >>> probs = np.array([[0.5, 0.3, 0.2], [0.1, 0.3, 0.6]])
    >>> top_k_accuracy([1, 1], probs, k=1), top_k_accuracy([1, 1], probs, k=2)
    (0.0, 1.0)
    """
    ### BEGIN SOLUTION
    probs = np.asarray(probs, dtype=np.float64)
    y_true = np.asarray(y_true)
    if probs.ndim != 2 or probs.shape[0] == 0:
        raise ValueError(f"probs must be (N, C) with N > 0, got shape {probs.shape}")
    n, c = probs.shape
    if y_true.shape == (n, c) and c > 1:
        y_true = y_true.argmax(axis=1)  # one-hot
    elif y_true.shape == (n, 1):
        y_true = y_true[:, 0]
    if y_true.shape != (n,):
        raise ValueError(f"y_true must be (N,) labels or (N, C) one-hot for probs {probs.shape}, got {y_true.shape}")
    if not np.issubdtype(y_true.dtype, np.integer):
        if not np.all(y_true == np.round(y_true)):
            raise ValueError("y_true must hold integer class labels")
        y_true = y_true.astype(np.int64)
    if y_true.min() < 0 or y_true.max() >= c:
        raise ValueError(f"labels must be in 0 … {c - 1}, got {y_true.min()} … {y_true.max()}")
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k <= 0:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    true_score = probs[np.arange(n), y_true]
    higher = (probs > true_score[:, None]).sum(axis=1)  # classes that beat the true one
    return float(np.mean(higher < k))
    ### END SOLUTION

def build_transfer_model(input_shape=(32, 32, 3), num_classes=10, weights=None):
    """遷移學習：凍結的 MobileNetV2 加上新的分類頭 — transfer learning.

    ``keras.applications.MobileNetV2(include_top=False, weights=weights)`` 當作特徵萃取器，
    凍結（``trainable = False``），接 ``GlobalAveragePooling2D`` 與
    ``Dense(num_classes, activation="softmax")``，編譯方式同 `build_cnn`。
    A frozen ``MobileNetV2(include_top=False, weights=weights)`` as the feature
    extractor, then ``GlobalAveragePooling2D`` and ``Dense(num_classes, softmax)``,
    compiled as in `build_cnn`.

    Parameters
    ----------
    weights : None, "imagenet" or str
        ``None``：隨機初始化（不下載，評分用這個）；``"imagenet"``：下載 ImageNet 權重；
        或權重檔的路徑。``None`` (random, no download: grading uses this), ``"imagenet"``,
        or the path of a weights file.

    Returns
    -------
    keras.Model
        已編譯。Compiled.
    """
    import keras
    from keras import layers

    ### BEGIN SOLUTION
    base = keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=weights)
    base.trainable = False
    inputs = keras.Input(shape=input_shape)
    x = layers.Rescaling(2.0, offset=-1.0)(inputs)  # [0, 1] → [-1, 1], what MobileNetV2 expects
    x = base(x, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs, name="cifar10_mobilenetv2")
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
    ### END SOLUTION


def train(model, x, y, epochs=10, batch_size=64, validation_split=0.1):
    """訓練模型並回傳訓練紀錄 — fit the model and return its History.

    Parameters
    ----------
    model : keras.Model
        已編譯的模型。A compiled model.
    x, y : ndarray
        `preprocess` 之後的資料。Data after `preprocess`.
    epochs, batch_size : int
    validation_split : float
        留多少比例當驗證集。The fraction kept for validation.

    Returns
    -------
    keras.callbacks.History
        ``history.history["loss"]`` 是每個 epoch 的訓練損失。Per-epoch training loss.
    """
    ### BEGIN SOLUTION
    return model.fit(x, y, epochs=epochs, batch_size=batch_size, validation_split=validation_split, verbose=2)
    ### END SOLUTION
