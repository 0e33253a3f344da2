package dev.myelin.trainer.kernel;

import dev.myelin.policy.engine.SpikeMasks;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Where the ones are in a 0/1 spike matrix X [rows, cols]: per row, the columns that spiked (for the
 * forward product {@code X W}), and per column, the rows in which it spiked (for the weight gradient
 * {@code X^T dY}), both in ascending order. Preallocated for the largest matrix; rebuilt in place;
 * allocation-free. One thread.
 */
public final class SpikeIndex {
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;

    private final int maxRows;
    private final int cols;
    /** Row r's spiking columns are {@code rowIdx[rowStart[r] .. rowStart[r + 1])}. */
    final int[] rowStart;
    final int[] rowIdx;
    /** Column j's spiking rows are {@code colIdx[colStart[j] .. colStart[j + 1])}. */
    final int[] colStart;
    final int[] colIdx;
    private final int[] fill;
    private int rows;
    private boolean columnsBuilt;

    public SpikeIndex(int maxRows, int cols) {
        this.maxRows = maxRows;
        this.cols = cols;
        rowStart = new int[maxRows + 1];
        // slack for the vector append, which always writes eight lanes
        rowIdx = new int[maxRows * cols + 8];
        colStart = new int[cols + 1];
        colIdx = new int[maxRows * cols];
        fill = new int[cols];
    }

    /** Indexes rows {@code 0..rows)} of {@code x} (row stride {@code cols}); only exact 1s count as spikes, 0s as none. */
    public void build(float[] x, int rows) {
        if (rows > maxRows) {
            throw new IllegalArgumentException("spike matrix has " + rows + " rows, indexed for at most " + maxRows);
        }
        this.rows = rows;
        int n = 0;
        int bound = cols - cols % 8;
        for (int r = 0; r < rows; r++) {
            rowStart[r] = n;
            int base = r * cols;
            int j = 0;
            for (; j < bound; j += 8) {
                int bits = (int) FloatVector.fromArray(F8, x, base + j).compare(VectorOperators.NE, 0f).toLong();
                SpikeMasks.positions(bits, j).intoArray(rowIdx, n);
                n += Integer.bitCount(bits);
            }
            for (; j < cols; j++) {
                if (x[base + j] != 0f) {
                    rowIdx[n++] = j;
                }
            }
        }
        rowStart[rows] = n;
        columnsBuilt = false;
    }

    /** Builds the column lists from the row lists (counting sort, so rows stay ascending). */
    public void buildColumns() {
        if (columnsBuilt) {
            return;
        }
        java.util.Arrays.fill(fill, 0);
        int total = rowStart[rows];
        for (int q = 0; q < total; q++) {
            fill[rowIdx[q]]++;
        }
        int acc = 0;
        for (int j = 0; j < cols; j++) {
            colStart[j] = acc;
            acc += fill[j];
            fill[j] = colStart[j];
        }
        colStart[cols] = acc;
        for (int r = 0; r < rows; r++) {
            for (int q = rowStart[r], end = rowStart[r + 1]; q < end; q++) {
                colIdx[fill[rowIdx[q]]++] = r;
            }
        }
        columnsBuilt = true;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Total spikes indexed. */
    public int spikes() {
        return rowStart[rows];
    }

    /** {@code out[r] (+)= sum over spiking columns j of row r of w[j]} for every row: {@code X W} with W [cols, n]. */
    public void multiply(float[] w, int wOff, int n, float[] out, int outOff, int ldo) {
        for (int r = 0; r < rows; r++) {
            RowSums.sum(w, wOff, n, rowIdx, rowStart[r], rowStart[r + 1] - rowStart[r], out, outOff + r * ldo, n, false);
        }
    }

    /** {@code dw[j] += sum over rows r where column j spiked of dy[r]}: {@code dW += X^T dY} with dY [rows, n]. */
    public void multiplyTransposedInto(float[] dy, int dyOff, int n, float[] dw, int dwOff) {
        buildColumns();
        for (int j = 0; j < cols; j++) {
            int count = colStart[j + 1] - colStart[j];
            if (count > 0) {
                RowSums.sum(dy, dyOff, n, colIdx, colStart[j], count, dw, dwOff + j * n, n, true);
            }
        }
    }
}
