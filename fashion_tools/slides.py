"""The lecture's worked examples as its slides print them: their titles, inputs and results.

Plain data, no TensorFlow: `examples --list` and a wrong name answer from this alone; examples.py
computes each example with the model's own Keras layers and compares it with these numbers.
"""

# name -> the slide's title, in the lecture's order
EXAMPLES = {
    "convolution": "CONVOLUTION WITH PADDING",
    "pooling": "POOLING WITH PADDING",
    "channels": "HANDLING MULTIPLE CHANNELS",
    "to_categorical": "NP_UTILS.TO_CATEGORICAL()",
    "relu_softmax": "RELU ACTIVATION AND SOFTMAX ACTIVATION",
    "cross_entropy": "CROSS ENTROPY LOSS FUNCTION",
    "argmax": "NUMPY ARGMAX()",
    "f1": "CONFUSION MATRIX AND F1 SCORE",
}

# CONVOLUTION WITH PADDING: the slide's kernel is a picture; this X-shaped one gives its result
CONV_IMAGE = [[1, 1, 1, 0, 0],
              [0, 1, 1, 1, 0],
              [0, 0, 1, 1, 1],
              [0, 0, 1, 1, 0],
              [0, 1, 1, 0, 0]]
CONV_KERNEL = [[1, 0, 1],
               [0, 1, 0],
               [1, 0, 1]]
SLIDE_CONVOLUTION = [[2, 2, 3, 1, 1],
                     [1, 4, 3, 4, 1],
                     [1, 2, 4, 3, 3],
                     [1, 2, 3, 4, 1],
                     [0, 2, 2, 1, 1]]

# POOLING WITH PADDING: 2x2 window, stride 2, on an odd-sized image
POOL_IMAGE = [[4, 7, 3, 1, 6],
              [3, 3, 7, 9, 2],
              [6, 4, 5, 8, 9],
              [0, 1, 4, 3, 7],
              [2, 5, 7, 8, 3]]
SLIDE_POOL_VALID = [[7, 9],
                    [6, 8]]
SLIDE_POOL_SAME = [[7, 9, 6],
                   [6, 8, 9],
                   [5, 8, 3]]

# HANDLING MULTIPLE CHANNELS: a 3x3 image with 3 channels and one 2x2 filter with a slice per channel
# (ours: the slide's are pictures), written one channel after the other; Keras wants them channel-last
CHANNELS_IMAGE = [[[1, 0, 2], [0, 1, 1], [2, 0, 1]],
                  [[0, 1, 1], [2, 1, 0], [1, 0, 2]],
                  [[2, 1, 0], [1, 0, 2], [0, 1, 1]]]
CHANNELS_KERNEL = [[[1, 0], [0, 1]],
                   [[0, 1], [1, 0]],
                   [[1, 0], [1, 1]]]
# part 7/12 and 8/12: parameters of the model's layers that have any, and the total (model.summary())
SLIDE_PARAMETERS = [160, 8256, 401536, 1290]
SLIDE_TOTAL_PARAMETERS = 411242

# NP_UTILS.TO_CATEGORICAL()
CATEGORICAL_ARRAY = [0, 2, 1, 2, 0]
CATEGORICAL_CLASSES = 3
SLIDE_ONE_HOT = [[1, 0, 0],
                 [0, 0, 1],
                 [0, 1, 0],
                 [0, 0, 1],
                 [1, 0, 0]]

# RELU and SOFTMAX: sample vectors (the slides give the definitions, not numbers)
RELU_INPUT = [-2.0, -0.5, 0.0, 1.5, 3.0]
SOFTMAX_INPUT = [2.0, 1.0, 0.1]

# CROSS ENTROPY: the slide's prediction j and one-hot truth k (class 3)
CROSS_ENTROPY_J = [0.03, 0.03, 0.01, 0.9, 0.01, 0.01, 0.0025, 0.0025, 0.0025, 0.0025]
CROSS_ENTROPY_K = [0, 0, 0, 1, 0, 0, 0, 0, 0, 0]
SLIDE_CROSS_ENTROPY = 0.1053605  # -log(0.9), to 7 decimals

# NUMPY ARGMAX()
ARGMAX_ARRAY = [[10, 14, 12],
                [13, 11, 15]]
SLIDE_ARGMAX_FLAT = 5
SLIDE_ARGMAX_AXIS0 = [1, 0, 1]
SLIDE_ARGMAX_AXIS1 = [1, 2]

# CONFUSION MATRIX: rows actual NO/YES, columns predicted NO/YES; F1 SCORE for the class YES
SLIDE_MATRIX = [[50, 10],
                [5, 100]]
SLIDE_F1 = 0.9302  # to 4 decimals
MATRIX_CLASSES = ["NO", "YES"]

FLOAT_TOLERANCE = 1e-6  # Keras computes in float32, the slide's formulas in float64
