/** Mixed-precision training support: dynamic loss scaling, one scaler per optimizer. */
package dev.myelin.trainer.precision;
