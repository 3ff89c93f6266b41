package org.charrnn.data;

/** How characters enter the network: one-hot vectors [batch, vocab, T], or indices [batch, 1, T] for an embedding. */
public enum InputEncoding { ONE_HOT, INDEX }
