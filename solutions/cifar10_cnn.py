"""單元五：用 Keras 建立 CIFAR-10 卷積網路 — Unit 5: a Keras CNN for CIFAR-10.

CIFAR-10 有 60,000 張 32×32 的彩色圖片，分成 10 類；標籤是 0–9 的整數。
CIFAR-10 holds 60,000 colour images of 32×32 pixels in 10 classes; labels are the
integers 0–9.

本單元用 Keras 3（TensorFlow 後端）。This unit uses Keras 3 on TensorFlow.
"""

import numpy as np
import keras
from keras import layers

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
