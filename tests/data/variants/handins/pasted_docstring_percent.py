# FASHION-ITEMS.PY as the lecture prints it (parts 1/12 to 12/12), with only the slides'
# line-wrapping artefacts undone (a comma that starts a continued line). On Keras 3 it stops at
# its first Keras import: keras.utils has no np_utils any more.

# import packages
import matplotlib.pyplot as plt
import numpy as np
from keras.datasets import fashion_mnist
from keras.models import Sequential
from keras.utils import to_categorical
from keras.layers import Flatten, Activation
from keras.layers import Dense, MaxPool2D, Conv2D, InputLayer

# global constants and hyper-parameters
TOTAL_CLASS = 10
MY_SAMPLE = 5
MY_EPOCH = 10
MY_BATCH = 200

# load DB and split into train vs. test
# fasion MNIST data is 28x28 gray-scale image
(X_train, Y_train), (X_test, Y_test) = fashion_mnist.load_data()

print('\n== DB SHAPING INFO ==')
print("X train shape:", X_train.shape)
print("Y train shape:", Y_train.shape)
print("X test shape:", X_test.shape)
print("Y test shape:", Y_test.shape)

# define labels
labels = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat',
          'sandal', 'shirt', 'sneaker', 'bag', 'ankle-boot']

# display a sample image and label
print('\n== SAMPLE DATA (RAW) ==')
sample = Y_train[MY_SAMPLE]
print("This is a", labels[sample], sample)
print(X_train[MY_SAMPLE])
plt.imshow(X_train[MY_SAMPLE])
plt.show()

# data scaling into [0, 1]
X_train = X_train / 255.0
X_test = X_test / 255.0

# reshaping before entering CNN
# one-hot encoding is used for the output
# we use channel-last ordering (keras default)

X_train = X_train.reshape(X_train.shape[0], 28, 28, 1)
X_test = X_test.reshape(X_test.shape[0], 28, 28, 1)
Y_train = to_categorical(Y_train, TOTAL_CLASS)
Y_test = to_categorical(Y_test, TOTAL_CLASS)

#####
# MODEL BUILDING AND TRAINING #
#####

# build a keras sequential model of our CNN
# total parameter count formula =
# (filter_height * filter_width * input_channels + 1) * #_filters
model = Sequential()
model.add(InputLayer(input_shape = (28, 28, 1)))

# no. parameters = (2 x 2 x 1 + 1) x 32
model.add(Conv2D(32, kernel_size = (2, 2), padding = 'same',
                 activation = 'relu'))

model.add(MaxPool2D(padding = 'same', pool_size = (2, 2)))

# no. parameters = (2 x 2 x 32 + 1) x 64
model.add(Conv2D(64, kernel_size = (2, 2), padding = 'same',
                 activation = 'relu'))

model.add(MaxPool2D(padding = 'same', pool_size = (2, 2)))

model.add(Flatten())
model.add(Dense(128, activation = 'relu'))

model.add(Dense(TOTAL_CLASS))
model.summary()

# model training and saving
model.compile(optimizer = 'adam', loss = 'categorical_crossentropy', metrics = ['accuracy'])
model.fit(X_train, Y_train, epochs = MY_EPOCH, batch_size = MY_BATCH, verbose = 1)
model.save('after.h5')

#####
# MODEL EVALUATION #
#####

# model evaluation
score = model.evaluate(X_test, Y_test, verbose = 1)
print(f'\nLoss: {score[0]:.4f}')
print(f'Accuracy: {score[1]:.2%}')

# display confusion matrix
# we take argmax on one-hot encoding results
from sklearn.metrics import confusion_matrix
answer = np.argmax(Y_test, axis = 1)

pred = model.predict(X_test)
pred = np.argmax(pred, axis = 1)

print('\n== CONFUSION MATRIX ==')
print(confusion_matrix(answer, pred))

# calculate F1 score using confusion matrix
from sklearn.metrics import f1_score
print("\nF1 score:", f1_score(answer, pred, average = 'micro'))

# testing the model after learning with a sample
sample = X_train[MY_SAMPLE]
sample = sample.reshape(1, 28, 28, 1)
pred = model.predict(sample)
print("\nPrediction after learning:",
      labels[np.argmax(pred)], "\n")

"""
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1795995942.617470   27193 port.cc:153] oneDNN custom operations are on. You may see slightly different numerical results due to floating-point round-off errors from different computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.
I0000 00:00:1795995942.657302   27193 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.
To enable the following instructions: AVX2 AVX512F AVX512_VNNI AVX512_BF16 FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1795995944.486639   27193 port.cc:153] oneDNN custom operations are on. You may see slightly different numerical results due to floating-point round-off errors from different computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.

== DB SHAPING INFO ==
X train shape: (60000, 28, 28)
Y train shape: (60000,)
X test shape: (10000, 28, 28)
Y test shape: (10000,)

== SAMPLE DATA (RAW) ==
This is a pullover 2
[[  0   0   0   0   1   0   0   0   0  22  88 188 172 132 125 141 199 143
    9   0   0   0   1   0   0   0   0   0]
 [  0   0   0   1   0   0  20 131 199 206 196 202 242 255 255 250 222 197
  206 188 126  17   0   0   0   0   0   0]
 [  0   0   0   1   0  35 214 191 183 178 175 168 150 162 159 152 158 179
  183 189 195 185  82   0   0   0   0   0]
 [  0   0   0   0   0 170 190 172 177 176 171 169 162 155 148 154 169 174
  175 175 177 183 188  12   0   0   0   0]
 [  0   0   0   0  25 194 180 178 174 184 187 189 187 184 181 189 200 197
  193 190 178 175 194  90   0   0   0   0]
 [  0   0   0   0  42 218 191 197 208 204 211 209 210 212 211 214 215 213
  214 211 211 191 200 158   0   0   0   0]
 [  0   0   0   0  88 221 215 217 219 211 185 150 118 107  99  88  83  90
  135 212 203 207 219 169   0   0   0   0]
 [  0   0   0   0   0  27 118 162  40   0   0   0  10  19  28  39  47  36
    0   0 203 230 220 203   0   0   0   0]
 [  0   0   0   0 138 136  71  69  54 216 217 203 184 168 163 162 163 178
  221 186  38  26   7   0   0   0   0   0]
 [  0   0   0   0  67 134 154 224 129  66  81 117 129 128 132 137 131 129
   86  73 157 151 134 216  18   0   0   0]
 [  0   0   0   0 203 198 172 183 206 255 255 250 243 240 239 235 238 244
  255 238 184 160  86  98   0   0   0   0]
 [  0   0   0   0 122 188 224 151 105 127  97 100 105 114 117 117 113 103
   98 111 142 254 191 255  49   0   0   0]
 [  0   0   0   0 163 179 200  95 154 198 197 200 200 198 197 198 199 202
  200 176  86 206 157 162  10   0   0   0]
 [  0   0   0   0 197 201 229  71 144 194 181 183 179 182 180 179 180 190
  185 197  76 219 185 201  34   0   0   0]
 [  0   0   0   0 199 193 226  58 154 192 184 187 184 186 184 185 183 192
  191 200  56 219 203 207  60   0   0   0]
 [  0   0   0   0 201 194 224  41 163 190 186 186 184 185 183 185 178 190
  194 202  33 211 200 206  73   0   0   0]
 [  0   0   0   0 201 197 222  17 172 190 186 187 182 186 185 187 180 187
  193 202  26 212 202 203  76   0   0   0]
 [  0   0   0   0 200 197 223   0 177 189 184 185 178 184 183 184 180 183
  189 203  35 196 203 203  84   0   0   0]
 [  0   0   0   0 200 197 223   0 185 187 185 187 180 184 182 183 178 182
  183 205  44 159 207 201  85   0   0   0]
 [  0   0   0   0 187 198 225   0 194 188 184 185 180 183 183 184 181 181
  177 206  46 129 211 200  88   0   0   0]
 [  0   0   0   6 186 200 211   0 199 189 184 184 185 182 183 184 185 182
  175 205  50  97 216 197  93   0   0   0]
 [  0   0   0   5 185 204 184   0 202 188 182 182 183 183 184 182 180 182
  174 202  63  59 220 196  94   0   0   0]
 [  0   0   0   5 184 206 157   0 204 187 187 189 192 190 190 191 190 187
  183 202  78  35 222 197  95   0   0   0]
 [  0   0   0   5 183 208 127   0 197 166 153 149 149 146 148 149 150 151
  158 191  90   8 223 195  99   0   0   0]
 [  0   0   0   6 184 208 114   0 204 173 161 180 176 172 173 173 174 176
  162 202 115   0 229 199 105   0   0   0]
 [  0   0   0   9 178 204 115   0 121 135 114 117 114 114 117 118 119 117
  113 147  63   0 225 196 107   0   0   0]
 [  0   0   0  18 180 206 131   0   0   0   0   0   0   0   0   0   0   0
    0   0   0   0 224 197 123   0   0   0]
 [  0   0   0   0 141 151  76   0   1   1   0   0   0   0   0   0   0   0
    0   0   0   0 133 167  73   0   0   0]]
/work/main/.venv/lib/python3.11/site-packages/keras/src/layers/core/input_layer.py:27: UserWarning: Argument `input_shape` is deprecated. Use `shape` instead.
  warnings.warn(
Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ conv2d (Conv2D)                 │ (None, 28, 28, 32)     │           160 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d (MaxPooling2D)    │ (None, 14, 14, 32)     │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ conv2d_1 (Conv2D)               │ (None, 14, 14, 64)     │         8,256 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ max_pooling2d_1 (MaxPooling2D)  │ (None, 7, 7, 64)       │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ flatten (Flatten)               │ (None, 3136)           │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 128)            │       401,536 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │         1,290 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 411,242 (1.57 MB)
 Trainable params: 411,242 (1.57 MB)
 Non-trainable params: 0 (0.00 B)
Epoch 1/10
300/300 ━━━━━━━━━━━━━━━━━━━━ 13s 40ms/step - accuracy: 0.0899 - loss: 6.5117
Epoch 2/10
300/300 ━━━━━━━━━━━━━━━━━━━━ 12s 39ms/step - accuracy: 0.1028 - loss: 6.4472
Epoch 3/10
300/300 ━━━━━━━━━━━━━━━━━━━━ 22s 43ms/step - accuracy: 0.1028 - loss: 6.4472
Epoch 4/10
300/300 ━━━━━━━━━━━━━━━━━━━━ 18s 35ms/step - accuracy: 0.1028 - loss: 6.4472
Epoch 5/10
300/300 ━━━━━━━━━━━━━━━━━━━━ 20s 34ms/step - accuracy: 0.1028 - loss: 6.4472
Epoch 6/10
300/300 ━━━━━━━━━━━━━━━━━━━━ 10s 34ms/step - accuracy: 0.1028 - loss: 6.4472
Epoch 7/10
300/300 ━━━━━━━━━━━━━━━━━━━━ 11s 37ms/step - accuracy: 0.1028 - loss: 6.4472
Epoch 8/10
300/300 ━━━━━━━━━━━━━━━━━━━━ 20s 34ms/step - accuracy: 0.1028 - loss: 6.4472
Epoch 9/10
300/300 ━━━━━━━━━━━━━━━━━━━━ 10s 33ms/step - accuracy: 0.1028 - loss: 6.4472
Epoch 10/10
300/300 ━━━━━━━━━━━━━━━━━━━━ 18s 61ms/step - accuracy: 0.1028 - loss: 6.4472
WARNING:absl:You are saving your model as an HDF5 file via `model.save()` or `keras.saving.save_model(model)`. This file format is considered legacy. We recommend using instead the native Keras format, e.g. `model.save('my_model.keras')` or `keras.saving.save_model(model, 'my_model.keras')`.
313/313 ━━━━━━━━━━━━━━━━━━━━ 2s 6ms/step - accuracy: 0.1024 - loss: 6.4472

Loss: 6.4472
Accuracy: 10.24%
313/313 ━━━━━━━━━━━━━━━━━━━━ 1s 4ms/step

== CONFUSION MATRIX ==
[[1000    0    0    0    0    0    0    0    0    0]
 [ 973    0    0   27    0    0    0    0    0    0]
 [1000    0    0    0    0    0    0    0    0    0]
 [ 976    0    0   24    0    0    0    0    0    0]
 [1000    0    0    0    0    0    0    0    0    0]
 [1000    0    0    0    0    0    0    0    0    0]
 [1000    0    0    0    0    0    0    0    0    0]
 [1000    0    0    0    0    0    0    0    0    0]
 [1000    0    0    0    0    0    0    0    0    0]
 [1000    0    0    0    0    0    0    0    0    0]]

F1 score: 0.1024
1/1 ━━━━━━━━━━━━━━━━━━━━ 0s 81ms/step

Prediction after learning: t-shirt
"""
