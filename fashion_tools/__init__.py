"""The parts of fashion_items that are not the lecture itself: data files, safe writes,
results, figures, worked examples, grading and prediction."""
