package org.resnet4j.dataset;

/** A training set and the validation images held out of it ({@code val} null when none are). */
public record Split<S extends Samples>(S train, S val) {}
